/* Compiled twins of the readers' hottest loops (issue 8, item 4).

   Each function here has a pure-Python twin in the reader that calls it (named in its comment),
   and the twin is the definition of its behaviour: the results are equal for every text (tests
   compare both on generated and real texts). The reader uses this module only when it is built
   and SCOPED_PURE_PYTHON is not set (readers/speedups.py).

   Texts are Python strings; positions are indices of code points, as in Python. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#ifndef SCOPED_SOURCE_SHA256
#define SCOPED_SOURCE_SHA256 ""
#endif

/* The Python reader's identifier characters (`_ID_START`, `_ID_CHAR`): ASCII letters and `_`,
   digits but not first, and every non-ASCII character. */
static inline int
id_start(Py_UCS4 c)
{
    return c >= 0x80 || c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline int
id_char(Py_UCS4 c)
{
    return id_start(c) || (c >= '0' && c <= '9');
}

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static int
text_of(PyObject *obj, Text *t)
{
    if (!PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "a str is required");
        return -1;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(obj) < 0) /* always ready from 3.12 */
        return -1;
#endif
    t->kind = PyUnicode_KIND(obj);
    t->data = PyUnicode_DATA(obj);
    t->n = PyUnicode_GET_LENGTH(obj);
    return 0;
}

/* The next `c` (ASCII) at or after `i`, or -1. */
static Py_ssize_t
next_char(const Text *t, Py_ssize_t i, char c)
{
    if (i >= t->n)
        return -1;
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const char *s = (const char *)t->data;
        const char *d = memchr(s + i, c, (size_t)(t->n - i));
        return d == NULL ? -1 : (Py_ssize_t)(d - s);
    }
    for (; i < t->n; i++)
        if (AT(t, i) == (Py_UCS4)c)
            return i;
    return -1;
}

#define next_dot(t, i) next_char((t), (i), '.')

static int
is_identifier(PyObject *name)
{
    Text t;
    if (text_of(name, &t) < 0)
        return -1;
    if (t.n == 0 || !id_start(AT(&t, 0)))
        return 0;
    for (Py_ssize_t i = 1; i < t.n; i++)
        if (!id_char(AT(&t, i)))
            return 0;
    return 1;
}

static int
append_pos(PyObject **list, Py_ssize_t p)
{
    if (*list == NULL && (*list = PyList_New(0)) == NULL)
        return -1;
    PyObject *v = PyLong_FromSsize_t(p);
    if (v == NULL)
        return -1;
    int r = PyList_Append(*list, v);
    Py_DECREF(v);
    return r;
}

/* Whether `name` is written at `p` in `t` (which has room for it there). */
static int
equal_at(const Text *t, Py_ssize_t p, const Text *name)
{
    for (Py_ssize_t k = 0; k < name->n; k++)
        if (AT(t, p + k) != AT(name, k))
            return 0;
    return 1;
}

#define BUCKETS 64 /* identifier names by length modulo BUCKETS, chained through `next` */

PyDoc_STRVAR(name_dots_doc,
"name_dots(text, names) -> list[tuple[str, list[int]]]\n\n"
"Twin of readers/python.py `_name_dots_py`: each of `names`, in order, with the places where\n"
"`name + \".\"` is written, found left to right (each search starting after the previous\n"
"find), and not right after an identifier character or a dot; names never found left out.");

static PyObject *
name_dots(PyObject *self, PyObject *args)
{
    PyObject *text_obj, *names_obj;
    if (!PyArg_ParseTuple(args, "UO:name_dots", &text_obj, &names_obj))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    PyObject *names = PySequence_Fast(names_obj, "names must be a sequence");
    if (names == NULL)
        return NULL;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(names);
    PyObject **items = PySequence_Fast_ITEMS(names);
    PyObject *out = NULL;
    Text *nt = PyMem_Calloc(m ? (size_t)m : 1, sizeof(Text));
    Py_ssize_t *next = PyMem_Calloc(m ? (size_t)m : 1, sizeof(Py_ssize_t));
    PyObject **found = PyMem_Calloc(m ? (size_t)m : 1, sizeof(PyObject *));
    Py_ssize_t bucket[BUCKETS];
    if (nt == NULL || next == NULL || found == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int b = 0; b < BUCKETS; b++)
        bucket[b] = -1;

    /* Identifier names: at each dot, the run of identifier characters before it is the only
       place where one can end (a name must start after a character that is not one); the other
       names (NFKC can make `a.b` of `a\u2024b`) are searched for one by one, as in Python. */
    for (Py_ssize_t j = m - 1; j >= 0; j--) {
        if (text_of(items[j], &nt[j]) < 0)
            goto done;
        int ident = is_identifier(items[j]);
        if (ident < 0)
            goto done;
        next[j] = -2; /* not in a bucket */
        if (ident) {
            int b = (int)(nt[j].n % BUCKETS);
            next[j] = bucket[b];
            bucket[b] = j;
        }
    }
    for (Py_ssize_t d = next_dot(&t, 0); d >= 0; d = next_dot(&t, d + 1)) {
        Py_ssize_t r = d;
        while (r > 0 && id_char(AT(&t, r - 1)))
            r--;
        if (r == d || (r > 0 && AT(&t, r - 1) == '.'))
            continue;
        Py_ssize_t len = d - r;
        for (Py_ssize_t j = bucket[len % BUCKETS]; j >= 0; j = next[j]) {
            if (nt[j].n == len && equal_at(&t, r, &nt[j])) {
                if (append_pos(&found[j], r) < 0)
                    goto done;
                break;
            }
        }
    }
    for (Py_ssize_t j = 0; j < m; j++) {
        if (next[j] != -2)
            continue;
        Py_ssize_t step = nt[j].n + 1;
        for (Py_ssize_t p = 0; p + step <= t.n; p++) {
            if (AT(&t, p + nt[j].n) != '.' || !equal_at(&t, p, &nt[j]))
                continue;
            if (p == 0 || !(id_char(AT(&t, p - 1)) || AT(&t, p - 1) == '.'))
                if (append_pos(&found[j], p) < 0)
                    goto done;
            p += step - 1; /* the next search starts after this find */
        }
    }
    if ((out = PyList_New(0)) == NULL)
        goto done;
    for (Py_ssize_t j = 0; j < m; j++) {
        if (found[j] == NULL)
            continue;
        PyObject *pair = PyTuple_Pack(2, items[j], found[j]);
        if (pair == NULL || PyList_Append(out, pair) < 0) {
            Py_XDECREF(pair);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(pair);
    }
done:
    if (found != NULL)
        for (Py_ssize_t j = 0; j < m; j++)
            Py_XDECREF(found[j]);
    PyMem_Free(found);
    PyMem_Free(next);
    PyMem_Free(nt);
    Py_DECREF(names);
    return out;
}

/* The end of readers/python.py `_TAILS`'s match at `i`:
   (?:\.ID_START ID_CHAR*+)*+ (?:GAP \. (?:[ \t\f\n]|\\\n)*+ ID)*   with
   GAP = (?:[ \t\f\n]|\\\n|#[^\n]*)*+. Every part is possessive or cannot give anything back
   (an identifier is never followed by a character that starts a gap or a dot), so the match
   is the longest run of these pieces. */
static Py_ssize_t
tail_end(const Text *t, Py_ssize_t i)
{
    Py_ssize_t n = t->n;
    while (i + 1 < n && AT(t, i) == '.' && id_start(AT(t, i + 1))) {
        i += 2;
        while (i < n && id_char(AT(t, i)))
            i++;
    }
    for (;;) {
        Py_ssize_t j = i;
        while (j < n) {
            Py_UCS4 c = AT(t, j);
            if (c == ' ' || c == '\t' || c == '\f' || c == '\n')
                j++;
            else if (c == '\\' && j + 1 < n && AT(t, j + 1) == '\n')
                j += 2;
            else if (c == '#') {
                while (j < n && AT(t, j) != '\n')
                    j++;
            }
            else
                break;
        }
        if (j >= n || AT(t, j) != '.')
            return i;
        j++;
        while (j < n) {
            Py_UCS4 c = AT(t, j);
            if (c == ' ' || c == '\t' || c == '\f' || c == '\n')
                j++;
            else if (c == '\\' && j + 1 < n && AT(t, j + 1) == '\n')
                j += 2;
            else
                break;
        }
        if (j >= n || !id_start(AT(t, j)))
            return i;
        j++;
        while (j < n && id_char(AT(t, j)))
            j++;
        i = j;
    }
}

PyDoc_STRVAR(tails_doc,
"tails(text, ends) -> list[str]\n\n"
"Twin of readers/python.py `_tails_py`: the text `_TAILS` matches at each of `ends`.");

static PyObject *
tails(PyObject *self, PyObject *args)
{
    PyObject *text_obj, *ends_obj;
    if (!PyArg_ParseTuple(args, "UO:tails", &text_obj, &ends_obj))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    PyObject *ends = PySequence_Fast(ends_obj, "ends must be a sequence");
    if (ends == NULL)
        return NULL;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(ends);
    PyObject *out = PyList_New(m);
    for (Py_ssize_t k = 0; out != NULL && k < m; k++) {
        Py_ssize_t e = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(ends, k));
        if (e == -1 && PyErr_Occurred()) {
            Py_CLEAR(out);
            break;
        }
        if (e < 0 || e > t.n) {
            PyErr_SetString(PyExc_IndexError, "position out of the text");
            Py_CLEAR(out);
            break;
        }
        PyObject *s = PyUnicode_Substring(text_obj, e, tail_end(&t, e));
        if (s == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, k, s);
    }
    Py_DECREF(ends);
    return out;
}

static inline int
is_space(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\n';
}

PyDoc_STRVAR(spaced_name_dots_doc,
"spaced_name_dots(text, names) -> list[int]\n\n"
"Twin of readers/python.py `_spaced_name_dots_py`: where one of `names` is written before a\n"
"dot with spaces, line breaks or backslashes between (`NAME .x`), in order.");

static PyObject *
spaced_name_dots(PyObject *self, PyObject *args)
{
    PyObject *text_obj, *names;
    if (!PyArg_ParseTuple(args, "UO:spaced_name_dots", &text_obj, &names))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    for (Py_ssize_t d = next_dot(&t, 1); out != NULL && d >= 0; d = next_dot(&t, d + 1)) {
        if (!is_space(AT(&t, d - 1)))
            continue;
        Py_ssize_t i = d - 1;
        while (i > 0 && (is_space(AT(&t, i - 1)) || AT(&t, i - 1) == '\\'))
            i--;
        Py_ssize_t j = i;
        while (j > 0 && id_char(AT(&t, j - 1)))
            j--;
        if (j == i)
            continue;
        PyObject *word = PyUnicode_Substring(text_obj, j, i);
        int in = word == NULL ? -1 : PySequence_Contains(names, word);
        Py_XDECREF(word);
        if (in < 0 || (in == 1 && append_pos(&out, j) < 0))
            Py_CLEAR(out);
    }
    return out;
}

/* Whether `word` (ASCII) is written at `i`. */
static int
word_at(const Text *t, Py_ssize_t i, const char *word)
{
    for (; *word; word++, i++)
        if (i >= t->n || AT(t, i) != (Py_UCS4)(unsigned char)*word)
            return 0;
    return 1;
}

static inline int
is_blank(Py_UCS4 c)
{
    return c == ' ' || c == '\t';
}

PyDoc_STRVAR(defines_doc,
"defines(text) -> list[tuple[str, str]]\n\n"
"Twin of readers/cpp.py `_defines_py`: (directive, name) of each line\n"
"`^[ \\t]*#[ \\t]*(define|cmakedefine(?:01)?)[ \\t]+([A-Za-z_]\\w*)`, in order.");

static PyObject *
defines(PyObject *self, PyObject *args)
{
    static const char *const words[] = {"define", "cmakedefine01", "cmakedefine"};
    PyObject *text_obj;
    if (!PyArg_ParseTuple(args, "U:defines", &text_obj))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    /* a `#` with only spaces and tabs before it on its line */
    for (Py_ssize_t h = next_char(&t, 0, '#'); out != NULL && h >= 0; h = next_char(&t, h + 1, '#')) {
        Py_ssize_t b = h;
        while (b > 0 && is_blank(AT(&t, b - 1)))
            b--;
        if (b > 0 && AT(&t, b - 1) != '\n')
            continue;
        Py_ssize_t i = h + 1;
        while (i < t.n && is_blank(AT(&t, i)))
            i++;
        const char *word = NULL;
        Py_ssize_t j = i;
        for (int w = 0; w < 3 && word == NULL; w++) {
            Py_ssize_t len = (Py_ssize_t)strlen(words[w]);
            if (word_at(&t, i, words[w]) && i + len < t.n && is_blank(AT(&t, i + len))) {
                word = words[w];
                j = i + len;
            }
        }
        if (word == NULL)
            continue;
        while (j < t.n && is_blank(AT(&t, j)))
            j++;
        if (j >= t.n)
            continue;
        Py_UCS4 c = AT(&t, j);
        if (!(c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
            continue;
        Py_ssize_t e = j + 1;
        while (e < t.n && (Py_UNICODE_ISALNUM(AT(&t, e)) || AT(&t, e) == '_'))
            e++;
        PyObject *pair = Py_BuildValue("(sN)", word, PyUnicode_Substring(text_obj, j, e));
        if (pair == NULL || PyList_Append(out, pair) < 0)
            Py_CLEAR(out);
        Py_XDECREF(pair);
    }
    return out;
}

/* --- the Python reader's simple lines (`_SIMPLE_LINES`) --- */

/* Sets of ASCII characters that end a run, as tables (filled by the module's init). */
typedef struct {
    unsigned char in[128];
} Stops;

static Stops RUN_LINE;  /* `_RUN`: [^\n'"#()\[\]{}\\] */
static Stops RUN_ANY;   /* the run inside brackets in `_LOGICAL`: [^'"#()\[\]{}\\] */
static Stops STR_LINE[2]; /* a string's body on one line: [^'\\\n], [^"\\\n] */
static Stops STR_ANY[2];  /* a triple-quoted string's body: [^'\\], [^"\\] */

static void
stops_init(Stops *s, const char *chars)
{
    memset(s->in, 0, sizeof(s->in));
    for (; *chars; chars++)
        s->in[(unsigned char)*chars] = 1;
}

/* The first place at or after `j` that holds a character of `s`, or the end. */
static Py_ssize_t
skip_to(const Text *t, Py_ssize_t j, const Stops *s)
{
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = (const Py_UCS1 *)t->data;
        while (j < t->n && (d[j] >= 128 || !s->in[d[j]]))
            j++;
        return j;
    }
    for (; j < t->n; j++) {
        Py_UCS4 c = AT(t, j);
        if (c < 128 && s->in[c])
            break;
    }
    return j;
}


static inline int
is_word(Py_UCS4 c) /* `\w` of Python's `re` on str */
{
    return Py_UNICODE_ISALNUM(c) || c == '_';
}

static inline int
one_of(Py_UCS4 c, const char *set)
{
    return c != 0 && c < 0x80 && strchr(set, (int)c) != NULL;
}

/* `_NOT_F` and `_IS_F` at a quote `q`: whether it opens a plain string (no f prefix before
   it), or an f-string whose prefix (`f`, `fr`, `rf`, any case) is not inside a longer word. */
static int
not_f(const Text *t, Py_ssize_t q)
{
    if (q >= 1 && one_of(AT(t, q - 1), "fF"))
        return 0;
    return !(q >= 2 && one_of(AT(t, q - 2), "fF") && one_of(AT(t, q - 1), "rR"));
}

static int
is_f(const Text *t, Py_ssize_t q)
{
    if (q >= 1 && one_of(AT(t, q - 1), "fF") && !(q >= 2 && is_word(AT(t, q - 2))))
        return 1;
    if (q >= 2 && one_of(AT(t, q - 2), "fF") && one_of(AT(t, q - 1), "rR"))
        return !(q >= 3 && is_word(AT(t, q - 3)));
    if (q >= 2 && one_of(AT(t, q - 2), "rR") && one_of(AT(t, q - 1), "fF"))
        return !(q >= 3 && is_word(AT(t, q - 3)));
    return 0;
}

/* Whether `c` is at `i`; false past the end. */
static inline int
is_at(const Text *t, Py_ssize_t i, Py_UCS4 c)
{
    return i < t->n && AT(t, i) == c;
}

/* A plain string closed on its line, from its quote `q`: its end, or -1. Three quotes
   `'''(?:[^'\\\n]++|\\[^\n]|'(?!''))*+'''` first, else one `'(?!'')(?:[^'\\\n]++|\\[^\n])*+'`
   (which cannot match where three quotes stand). */
static Py_ssize_t
plain_string_line(const Text *t, Py_ssize_t q)
{
    Py_UCS4 Q = AT(t, q);
    const Stops *body = &STR_LINE[Q == '"'];
    int triple = is_at(t, q + 1, Q) && is_at(t, q + 2, Q);
    Py_ssize_t j = triple ? q + 3 : q + 1;
    while ((j = skip_to(t, j, body)) < t->n) {
        Py_UCS4 c = AT(t, j);
        if (c == '\\') {
            if (j + 1 >= t->n || AT(t, j + 1) == '\n')
                break;
            j += 2;
        }
        else if (c == '\n')
            break;
        else if (c == Q) {
            if (!triple || (is_at(t, j + 1, Q) && is_at(t, j + 2, Q)))
                break;
            j++;
        }
        else
            j++;
    }
    if (triple)
        return is_at(t, j, Q) && is_at(t, j + 1, Q) && is_at(t, j + 2, Q) ? j + 3 : -1;
    return is_at(t, j, Q) ? j + 1 : -1;
}

/* A replacement field of a one-line f-string from its `{` (`_FIELD`): its end, or -1. */
static Py_ssize_t
field_line(const Text *t, Py_ssize_t i)
{
    Py_ssize_t k = i + 1;
    while (k < t->n) {
        Py_UCS4 c = AT(t, k);
        if (c == '\'' || c == '"') {
            Py_ssize_t e = k + 1;
            while (e < t->n && AT(t, e) != c && !one_of(AT(t, e), "\\\n{}"))
                e++;
            if (!is_at(t, e, c))
                break;
            k = e + 1;
        }
        else if (one_of(c, "\\\n{}#"))
            break;
        else
            k++;
    }
    return is_at(t, k, '}') ? k + 1 : -1;
}

/* A one-line f-string from its quote (`_F_ONE`): its end, or -1. */
static Py_ssize_t
f_string_line(const Text *t, Py_ssize_t q)
{
    Py_UCS4 Q = AT(t, q);
    if (is_at(t, q + 1, Q) && is_at(t, q + 2, Q))
        return -1;
    Py_ssize_t j = q + 1;
    while (j < t->n) {
        Py_UCS4 c = AT(t, j);
        if (c == '\\') {
            if (j + 1 >= t->n || one_of(AT(t, j + 1), "\n{}N"))
                break;
            j += 2;
        }
        else if (c == '{') {
            if (is_at(t, j + 1, '{'))
                j += 2;
            else {
                Py_ssize_t e = field_line(t, j);
                if (e < 0)
                    break;
                j = e;
            }
        }
        else if (c == '}') {
            if (!is_at(t, j + 1, '}'))
                break;
            j += 2;
        }
        else if (c == Q || c == '\n')
            break;
        else
            j++;
    }
    return is_at(t, j, Q) ? j + 1 : -1;
}

/* `_STR_LINE` at a quote. */
static Py_ssize_t
string_line(const Text *t, Py_ssize_t q)
{
    if (not_f(t, q))
        return plain_string_line(t, q);
    if (is_f(t, q))
        return f_string_line(t, q);
    return -1;
}

static Py_ssize_t items_line(const Text *t, Py_ssize_t i, int level);

/* One item of a simple line (`_nested(_RUN | string, level)`): its end, or -1. */
static Py_ssize_t
item_line(const Text *t, Py_ssize_t i, int level)
{
    Py_UCS4 c = AT(t, i);
    if (one_of(c, "([{")) {
        if (level == 0)
            return -1;
        Py_ssize_t j = items_line(t, i + 1, level - 1);
        return j < t->n && one_of(AT(t, j), ")]}") ? j + 1 : -1;
    }
    if (c == '\'' || c == '"')
        return string_line(t, i);
    Py_ssize_t j = skip_to(t, i, &RUN_LINE);
    return j > i ? j : -1;
}

static Py_ssize_t
items_line(const Text *t, Py_ssize_t i, int level)
{
    while (i < t->n) {
        Py_ssize_t e = item_line(t, i, level);
        if (e < 0)
            break;
        i = e;
    }
    return i;
}

PyDoc_STRVAR(simple_lines_doc,
"simple_lines(text, pos) -> int\n\n"
"Twin of readers/python.py `_simple_lines_py`: the end of `_SIMPLE_LINES`'s match at `pos`\n"
"(the run of lines complete on their own: brackets nested at most 3 deep, strings closed on\n"
"their line, no backslash).");

static PyObject *
simple_lines(PyObject *self, PyObject *args)
{
    PyObject *text_obj;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "Un:simple_lines", &text_obj, &i))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    if (i < 0 || i > t.n) {
        PyErr_SetString(PyExc_IndexError, "position out of the text");
        return NULL;
    }
    for (;;) {
        Py_ssize_t j = items_line(&t, i, 3);
        if (is_at(&t, j, '#') && (j = next_char(&t, j, '\n')) < 0)
            break;
        if (!is_at(&t, j, '\n'))
            break;
        i = j + 1;
    }
    return PyLong_FromSsize_t(i);
}

/* --- the Python reader's logical lines (`_LOGICAL`) --- */

/* A plain string from its quote `q` (`_STR_ANY` without the f prefix): its end, or -1. Three
   quotes run over lines; one quote ends at its line's end unless a backslash escapes it. */
static Py_ssize_t
plain_string_any(const Text *t, Py_ssize_t q)
{
    Py_UCS4 Q = AT(t, q);
    int triple = is_at(t, q + 1, Q) && is_at(t, q + 2, Q);
    const Stops *body = triple ? &STR_ANY[Q == '"'] : &STR_LINE[Q == '"'];
    Py_ssize_t j = triple ? q + 3 : q + 1;
    while ((j = skip_to(t, j, body)) < t->n) {
        Py_UCS4 c = AT(t, j);
        if (c == '\\') {
            if (j + 1 >= t->n)
                break;
            j += 2;
        }
        else if (c == '\n' && !triple)
            break;
        else if (c == Q) {
            if (!triple || (is_at(t, j + 1, Q) && is_at(t, j + 2, Q)))
                break;
            j++;
        }
        else
            j++;
    }
    if (triple)
        return is_at(t, j, Q) && is_at(t, j + 1, Q) && is_at(t, j + 2, Q) ? j + 3 : -1;
    return is_at(t, j, Q) ? j + 1 : -1;
}

/* A triple-quoted f-string from its quote: its end, or -1 (its fields as `_FIELD`). */
static Py_ssize_t
f_string_triple(const Text *t, Py_ssize_t q)
{
    Py_UCS4 Q = AT(t, q);
    Py_ssize_t j = q + 3;
    while (j < t->n) {
        Py_UCS4 c = AT(t, j);
        if (c == '\\') {
            if (j + 1 >= t->n || one_of(AT(t, j + 1), "{}N"))
                break;
            j += 2;
        }
        else if (c == '{') {
            if (is_at(t, j + 1, '{'))
                j += 2;
            else {
                Py_ssize_t e = field_line(t, j);
                if (e < 0)
                    break;
                j = e;
            }
        }
        else if (c == '}') {
            if (!is_at(t, j + 1, '}'))
                break;
            j += 2;
        }
        else if (c == Q) {
            if (is_at(t, j + 1, Q) && is_at(t, j + 2, Q))
                break;
            j++;
        }
        else
            j++;
    }
    return is_at(t, j, Q) && is_at(t, j + 1, Q) && is_at(t, j + 2, Q) ? j + 3 : -1;
}

/* `_STR_ANY` at a quote. */
static Py_ssize_t
string_any(const Text *t, Py_ssize_t q)
{
    if (not_f(t, q))
        return plain_string_any(t, q);
    if (!is_f(t, q))
        return -1;
    Py_UCS4 Q = AT(t, q);
    if (is_at(t, q + 1, Q) && is_at(t, q + 2, Q))
        return f_string_triple(t, q);
    return f_string_line(t, q);
}

static Py_ssize_t items_any(const Text *t, Py_ssize_t i, int level);

/* One item inside brackets (`_nested(atom, level)` of `_LOGICAL`): its end, or -1. */
static Py_ssize_t
item_any(const Text *t, Py_ssize_t i, int level)
{
    Py_UCS4 c = AT(t, i);
    if (one_of(c, "([{")) {
        if (level == 0)
            return -1;
        Py_ssize_t j = items_any(t, i + 1, level - 1);
        return j < t->n && one_of(AT(t, j), ")]}") ? j + 1 : -1;
    }
    if (c == '\'' || c == '"')
        return string_any(t, i);
    Py_ssize_t j = i;
    if (c == '#') {
        j = next_char(t, j, '\n');
        return j < 0 ? t->n : j;
    }
    if (c == '\\')
        return is_at(t, i + 1, '\n') ? i + 2 : -1;
    j = skip_to(t, i, &RUN_ANY);
    return j > i ? j : -1;
}

static Py_ssize_t
items_any(const Text *t, Py_ssize_t i, int level)
{
    while (i < t->n) {
        Py_ssize_t e = item_any(t, i, level);
        if (e < 0)
            break;
        i = e;
    }
    return i;
}

PyDoc_STRVAR(logical_doc,
"logical(text, pos) -> int\n\n"
"Twin of readers/python.py `_logical_py`: the end of `_LOGICAL`'s match at `pos` (one logical\n"
"line: brackets nested at most 8 deep), or -1 when it does not match.");

static PyObject *
logical(PyObject *self, PyObject *args)
{
    PyObject *text_obj;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "Un:logical", &text_obj, &i))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    if (i < 0 || i > t.n) {
        PyErr_SetString(PyExc_IndexError, "position out of the text");
        return NULL;
    }
    while (i < t.n) {
        Py_UCS4 c = AT(&t, i);
        Py_ssize_t e;
        if (one_of(c, "([{")) {
            e = items_any(&t, i + 1, 7);
            e = e < t.n && one_of(AT(&t, e), ")]}") ? e + 1 : -1;
        }
        else if (c == '\'' || c == '"')
            e = string_any(&t, i);
        else if (c == '\\')
            e = is_at(&t, i + 1, '\n') ? i + 2 : -1;
        else {
            e = skip_to(&t, i, &RUN_LINE);
            if (e == i)
                e = -1;
        }
        if (e < 0)
            break;
        i = e;
    }
    if (is_at(&t, i, '#'))
        while (i < t.n && AT(&t, i) != '\n')
            i++;
    return PyLong_FromSsize_t(i == t.n || AT(&t, i) == '\n' ? i : -1);
}

/* --- the C/C++ reader's exact scanner (`_EXACT`) --- */

static inline int
is_decimal(Py_UCS4 c) /* `\d` of Python's `re` on str */
{
    return Py_UNICODE_ISDECIMAL(c);
}

/* A line splice (`_SPLICE`: a backslash, spaces, a newline) at `i`: its end, or -1. */
static Py_ssize_t
splice_end(const Text *t, Py_ssize_t i)
{
    if (!is_at(t, i, '\\'))
        return -1;
    Py_ssize_t j = i + 1;
    while (j < t->n && one_of(AT(t, j), " \t\f\v"))
        j++;
    if (is_at(t, j, '\r'))
        j++;
    return is_at(t, j, '\n') ? j + 1 : -1;
}

/* A block comment from its `/` (`_BLOCK`): after its `*` and `/`, or the end of the text. */
static Py_ssize_t
block_end(const Text *t, Py_ssize_t i)
{
    for (Py_ssize_t j = next_char(t, i + 2, '*'); j >= 0; j = next_char(t, j + 1, '*'))
        if (is_at(t, j + 1, '/'))
            return j + 2;
    return t->n;
}

/* `_raw`: a raw string from its prefix at `i` (`u8`, `u`, `U`, `L` or none before `R"`): its
   end, or -1. In a directive (`one_line`) it ends at its line's end. */
static Py_ssize_t
raw_end(const Text *t, Py_ssize_t i, int one_line)
{
    Py_ssize_t r;
    if (is_at(t, i, 'u') && is_at(t, i + 1, '8') && is_at(t, i + 2, 'R'))
        r = i + 2;
    else if (i < t->n && one_of(AT(t, i), "uUL") && is_at(t, i + 1, 'R'))
        r = i + 1;
    else if (is_at(t, i, 'R'))
        r = i;
    else
        return -1;
    if (!is_at(t, r + 1, '"'))
        return -1;
    Py_ssize_t d = r + 2, len = 0;
    while (d + len < t->n && !one_of(AT(t, d + len), "()\\ \t\f\v\r\n\""))
        len++;
    if (len > 16 || !is_at(t, d + len, '('))
        return -1;
    for (Py_ssize_t k = d + len + 1; k < t->n; k++) {
        Py_UCS4 c = AT(t, k);
        if (c == ')' && is_at(t, k + len + 1, '"')) {
            Py_ssize_t m = 0;
            while (m < len && AT(t, k + 1 + m) == AT(t, d + m))
                m++;
            if (m == len)
                return k + len + 2;
        }
        if (c == '\n' && one_line)
            return k;
    }
    return t->n;
}

/* A string or character literal from its quote (`_STRING`, `_CHAR`): unterminated, it ends
   at its line's end. */
static Py_ssize_t
quoted_end(const Text *t, Py_ssize_t i)
{
    Py_UCS4 Q = AT(t, i);
    Py_ssize_t j = i + 1;
    while (j < t->n) {
        Py_UCS4 c = AT(t, j);
        if (c == Q)
            return j + 1;
        if (c == '\n')
            break;
        if (c == '\\') {
            Py_ssize_t e = splice_end(t, j);
            if (e >= 0)
                j = e;
            else if (j + 1 < t->n)
                j += 2; /* `\\.`: the next character is no newline, or this was a splice */
            else
                break;
        }
        else
            j++;
    }
    return j;
}

/* One token or piece of one (`_token`), from `i`: its end, or -1 at a newline or the end. */
static Py_ssize_t
token_end(const Text *t, Py_ssize_t i, int directive)
{
    if (i >= t->n)
        return -1;
    Py_UCS4 c = AT(t, i);
    if (c == '\n')
        return -1;
    if (!is_word(c) && !one_of(c, "\"'/\\$")) { /* `_BULK` */
        Py_ssize_t j = i + 1;
        while (j < t->n && !is_word(AT(t, j)) && !one_of(AT(t, j), "\"'/\\\n$"))
            j++;
        return j;
    }
    if (one_of(c, "uULR")) {
        Py_ssize_t e = raw_end(t, i, directive);
        if (e >= 0)
            return e;
    }
    if ((is_word(c) && !is_decimal(c)) || c == '$') { /* `_IDENT` */
        Py_ssize_t j = i + 1;
        while (j < t->n && (is_word(AT(t, j)) || AT(t, j) == '$'))
            j++;
        return j;
    }
    if (is_decimal(c)) { /* `_PP_NUMBER` (a `.` before the digit went with `_BULK`) */
        Py_ssize_t j = i + 1;
        while (j < t->n) {
            Py_UCS4 d = AT(t, j);
            if (one_of(d, "eEpP") && j + 1 < t->n && one_of(AT(t, j + 1), "+-"))
                j += 2;
            else if (d == '\'' && j + 1 < t->n && (is_word(AT(t, j + 1)) || AT(t, j + 1) == '$'))
                j += 2;
            else if (is_word(d) || d == '$' || d == '.')
                j++;
            else
                break;
        }
        return j;
    }
    if (c == '"' || c == '\'')
        return quoted_end(t, i);
    if (c == '\\') {
        Py_ssize_t e = splice_end(t, i);
        return e >= 0 ? e : i + 1;
    }
    /* c == '/' */
    if (is_at(t, i + 1, '*'))
        return block_end(t, i);
    if (is_at(t, i + 1, '/')) { /* `_LINE_COMMENT` */
        Py_ssize_t j = i + 2;
        while (j < t->n && AT(t, j) != '\n') {
            Py_ssize_t e = AT(t, j) == '\\' ? splice_end(t, j) : -1;
            j = e >= 0 ? e : j + 1;
        }
        return j;
    }
    return i + 1;
}

static Py_ssize_t
tokens_end(const Text *t, Py_ssize_t i, int directive)
{
    Py_ssize_t e;
    while ((e = token_end(t, i, directive)) >= 0)
        i = e;
    return i;
}

/* `_LEAD`: spaces, splices and block comments from `i`. */
static Py_ssize_t
lead_end(const Text *t, Py_ssize_t i)
{
    while (i < t->n) {
        Py_UCS4 c = AT(t, i);
        Py_ssize_t e;
        if (one_of(c, " \t\f\v\r"))
            i++;
        else if (c == '\\' && (e = splice_end(t, i)) >= 0)
            i = e;
        else if (c == '/' && is_at(t, i + 1, '*'))
            i = block_end(t, i);
        else
            break;
    }
    return i;
}

PyDoc_STRVAR(exact_doc,
"exact(text, pos) -> tuple[int, int] | None\n\n"
"Twin of readers/cpp.py `_exact_py`: from a logical line start, the next directive's `#` and\n"
"the end of its logical line (`_EXACT`'s groups `hash` and `rest`), or None.");

static PyObject *
exact(PyObject *self, PyObject *args)
{
    PyObject *text_obj;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "Un:exact", &text_obj, &i))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    if (i < 0 || i > t.n) {
        PyErr_SetString(PyExc_IndexError, "position out of the text");
        return NULL;
    }
    for (;;) {
        Py_ssize_t j = lead_end(&t, i);
        if (is_at(&t, j, '#'))
            return Py_BuildValue("(nn)", j, tokens_end(&t, j + 1, 1));
        j = tokens_end(&t, j, 0);
        if (!is_at(&t, j, '\n'))
            Py_RETURN_NONE;
        i = j + 1;
    }
}

PyDoc_STRVAR(non_ascii_words_doc,
"non_ascii_words(text) -> list[tuple[int, str]]\n\n"
"Twin of readers/python.py `_non_ascii_words_py`: each identifier with a non-ASCII character,\n"
"with its place, in order.");

static PyObject *
non_ascii_words(PyObject *self, PyObject *args)
{
    PyObject *text_obj;
    if (!PyArg_ParseTuple(args, "U:non_ascii_words", &text_obj))
        return NULL;
    Text t;
    if (text_of(text_obj, &t) < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    Py_ssize_t last = -1, i = 0;
    while (out != NULL && i < t.n) {
        if (AT(&t, i) < 0x80) {
            i++;
            continue;
        }
        Py_ssize_t s = i; /* a run of non-ASCII characters (`_NON_ASCII`) */
        while (i < t.n && AT(&t, i) >= 0x80)
            i++;
        if (s <= last)
            continue;
        Py_ssize_t j = s;
        while (j > 0 && id_char(AT(&t, j - 1)))
            j--;
        if (!id_start(AT(&t, j)))
            continue;
        Py_ssize_t e = j + 1;
        while (e < t.n && id_char(AT(&t, e)))
            e++;
        last = e;
        PyObject *pair = Py_BuildValue("(nN)", j, PyUnicode_Substring(text_obj, j, e));
        if (pair == NULL || PyList_Append(out, pair) < 0)
            Py_CLEAR(out);
        Py_XDECREF(pair);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"name_dots", name_dots, METH_VARARGS, name_dots_doc},
    {"tails", tails, METH_VARARGS, tails_doc},
    {"spaced_name_dots", spaced_name_dots, METH_VARARGS, spaced_name_dots_doc},
    {"defines", defines, METH_VARARGS, defines_doc},
    {"simple_lines", simple_lines, METH_VARARGS, simple_lines_doc},
    {"logical", logical, METH_VARARGS, logical_doc},
    {"exact", exact, METH_VARARGS, exact_doc},
    {"non_ascii_words", non_ascii_words, METH_VARARGS, non_ascii_words_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "_speedups",
    .m_doc = "Compiled twins of the readers' hot loops (see _speedups.c).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    stops_init(&RUN_LINE, "\n'\"#()[]{}\\");
    stops_init(&RUN_ANY, "'\"#()[]{}\\");
    stops_init(&STR_LINE[0], "'\\\n");
    stops_init(&STR_LINE[1], "\"\\\n");
    stops_init(&STR_ANY[0], "'\\");
    stops_init(&STR_ANY[1], "\"\\");
    PyObject *mod = PyModule_Create(&module);
    if (mod != NULL && PyModule_AddStringConstant(mod, "SOURCE_SHA256", SCOPED_SOURCE_SHA256) < 0)
        Py_CLEAR(mod);
    return mod;
}
