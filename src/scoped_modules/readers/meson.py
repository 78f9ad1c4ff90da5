"""Meson reader: ``meson.build``, ``meson.options`` and ``meson_options.txt``.

The file is tokenized and parsed (statements, ``if``/``elif``/``else``/``endif``,
``foreach``, calls with keyword arguments, arrays, dictionaries, ``?:``) and evaluated
symbolically: string literals keep the line where they were written and the condition they
sit under while they flow through variables, ``+``, ``/`` and ``files()``.

References (``spec`` relative to the file's directory; the resolver keeps the ones that name
an existing file or directory):

- ``meson-path``: a string in a place where Meson reads a path of the source tree and fails
  at configure time when it is missing: ``subdir('x')`` (spec ``x/meson.build``, flag
  ``F_SUBDIR``), ``files()``, ``include_directories()``, ``install_subdir()``,
  ``install_data()``, ``install_headers()``, ``find_program()``, the sources of targets and
  ``install_sources()``, and the keyword arguments ``sources``, ``input``,
  ``include_directories``, ``depend_files``, ``extra_files``, ``objects``. One reference per
  literal, at the literal's line, under the OR of the conditions of every such use.
- ``meson-build``: the same path used by a command that compiles or ships it (targets:
  ``executable``, ``library``, ``shared_library``, ``static_library``, ``both_libraries``,
  ``shared_module``, ``build_target``, ``jar``, ``*.extension_module``; Python packages:
  ``*.install_sources``, ``install_subdir``; code generation: ``custom_target(input:)``,
  ``generator.process``), at the line of that command (``F_BUILDS``). A literal written
  right in such a command gets only this reference (as ``cmake-path`` does for CMake).
- ``build-dependency``: a variable read before this file assigns it (Meson variables are
  global: it comes from another ``meson.build``), spec the variable name.

Guards (SPEC §3.3, for Meson): ``get_option('x')`` used for its truth value,
``.enabled()``, ``.allowed()``, ``.auto()``, ``== 'enabled'``, ``!= 'disabled'``, ``== true``
give ``("v", ("x",))`` (on = not off); ``.disabled()``, ``== 'disabled'``, ``== false`` its
negation; ``not``, ``and``, ``or`` combine; ``dependency(…, required: get_option('x'))`` and
``.require()``-like chains keep the option, so ``dep.found()`` is ``on(x)``; options stored in
variables are followed. ``subdir_done()`` and ``error()`` under a condition guard the rest of
the file with its negation. Anything else is unknown.

``extra``: ``"segments"`` (conditions by line, for pattern hits), ``"assigns"`` (variable ->
first line assigned), ``"options"`` (in options files: ``[(name, line, type)]`` of
``option()``), ``"subdir_lines"`` (lines of ``subdir()`` calls), ``"project"`` (True when it calls
``project()``: the root of a project or subproject).
"""

from __future__ import annotations

import re
from typing import Any

from .facts import (
    F_BUILDS,
    F_SUBDIR,
    K_BUILD_DEPENDENCY,
    K_MESON_BUILD,
    K_MESON_PATH,
    FileFacts,
    RawRef,
    evidence_text,
)
from .guards import Cond, cond_and, cond_not, cond_or, conj, fresh_unknown, segment_value

# ------------------------------------------------------------------------------------------
# Tokens

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\f]+|\\\r?\n)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<nl>\n)"
    r"|(?P<str>f?'''.*?(?:'''|\Z)|f?'(?:\\.|[^'\\\n])*'?)"
    r"|(?P<num>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)"
    r"|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op>==|!=|<=|>=|\+=|[-+*/%()\[\]{},:.<>=?])"
    r"|(?P<bad>.)",
    re.S,
)
_OPEN, _CLOSE = "([{", ")]}"
_ESCAPE = re.compile(r"\\(.)")

# a token: (kind, text, line); kinds "str", "fstr", "num", "id", "op", "nl", "eof"
Tok = tuple[str, str, int]


def _tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    depth = 0
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "bad"
        tok = m.group(0)
        start_line = line
        line += tok.count("\n")
        if kind in ("ws", "comment"):
            continue
        if kind == "nl":
            if depth == 0 and out and out[-1][0] != "nl":
                out.append(("nl", "", start_line))
            continue
        if kind == "str":
            if tok.startswith("f"):
                out.append(("fstr", tok, start_line))
                continue
            body = tok[3:-3] if tok.startswith("'''") else _ESCAPE.sub(r"\1", tok[1:-1])
            out.append(("str", body, start_line))
            continue
        if kind == "op":
            if tok in _OPEN:
                depth += 1
            elif tok in _CLOSE and depth:
                depth -= 1
        out.append((kind, tok, start_line))
    out.append(("nl", "", line))
    out.append(("eof", "", line))
    return out


# ------------------------------------------------------------------------------------------
# Parser: statements and expressions as tuples

_KEYWORDS = {"if", "elif", "else", "endif", "foreach", "endforeach", "break", "continue"}


class _ParseError(Exception):
    pass


class _Parser:
    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        if tok[0] != "eof":
            self.i += 1
        return tok

    def accept(self, text: str) -> bool:
        tok = self.toks[self.i]
        if tok[1] == text and tok[0] in ("op", "id"):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise _ParseError(f"expected '{text}'")

    def skip_line(self) -> None:
        while self.peek()[0] not in ("nl", "eof"):
            self.i += 1
        self.take()

    # statements -----------------------------------------------------------------------
    def block(self, enders: tuple[str, ...], notes: list[tuple[int, str]]) -> list:
        stmts: list = []
        while True:
            tok = self.peek()
            if tok[0] == "eof":
                return stmts
            if tok[0] == "nl":
                self.take()
                continue
            if tok[0] == "id" and tok[1] in enders:
                return stmts
            start = self.i
            try:
                stmts.append(self.statement(notes))
            except (_ParseError, RecursionError):
                self.i = start
                line = self.peek()[2]
                notes.append((line, "meson: statement not understood; its references are not read"))
                if self.peek()[0] == "id" and self.peek()[1] in _KEYWORDS - {"break", "continue"}:
                    self.take()  # a stray endif/else/... : drop it and go on
                self.skip_line()

    def statement(self, notes: list[tuple[int, str]]) -> tuple:
        tok = self.peek()
        line = tok[2]
        if tok[0] == "id" and tok[1] == "if":
            self.take()
            branches = [(self.expr(), self.block(("elif", "else", "endif"), notes))]
            other: list | None = None
            while True:
                word = self.take()
                if word[1] == "elif":
                    branches.append((self.expr(), self.block(("elif", "else", "endif"), notes)))
                elif word[1] == "else":
                    other = self.block(("endif",), notes)
                elif word[1] == "endif":
                    break
                else:
                    raise _ParseError("if without endif")
            return ("if", line, branches, other or [])
        if tok[0] == "id" and tok[1] == "foreach":
            self.take()
            names = [self.take()[1]]
            while self.accept(","):
                names.append(self.take()[1])
            self.expect(":")
            items = self.expr()
            body = self.block(("endforeach",), notes)
            if not self.accept("endforeach"):
                raise _ParseError("foreach without endforeach")
            return ("foreach", line, names, items, body)
        if tok[0] == "id" and tok[1] in ("break", "continue"):
            self.take()
            return ("pass", line)
        if tok[0] == "id" and self.toks[self.i + 1][1] in ("=", "+="):
            name = self.take()[1]
            op = self.take()[1]
            return ("assign", line, name, op, self.expr())
        expr = self.expr()
        if self.peek()[0] not in ("nl", "eof"):
            raise _ParseError("trailing text")
        return ("expr", line, expr)

    # expressions ----------------------------------------------------------------------
    def expr(self) -> tuple:
        cond = self.or_expr()
        if self.accept("?"):
            a = self.expr()
            self.expect(":")
            b = self.expr()
            return ("tern", cond, a, b)
        return cond

    def or_expr(self) -> tuple:
        left = self.and_expr()
        while self.accept("or"):
            left = ("or", left, self.and_expr())
        return left

    def and_expr(self) -> tuple:
        left = self.cmp_expr()
        while self.accept("and"):
            left = ("and", left, self.cmp_expr())
        return left

    def cmp_expr(self) -> tuple:
        left = self.add_expr()
        tok = self.peek()
        if tok[1] in ("==", "!=", "<", ">", "<=", ">=", "in") and tok[0] in ("op", "id"):
            self.take()
            return ("cmp", tok[1], left, self.add_expr())
        if tok[1] == "not" and self.toks[self.i + 1][1] == "in":
            self.i += 2
            return ("cmp", "not in", left, self.add_expr())
        return left

    def add_expr(self) -> tuple:
        left = self.mul_expr()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            left = ("bin", op, left, self.mul_expr())
        return left

    def mul_expr(self) -> tuple:
        left = self.unary()
        while self.peek()[1] in ("*", "/", "%") and self.peek()[0] == "op":
            op = self.take()[1]
            left = ("bin", op, left, self.unary())
        return left

    def unary(self) -> tuple:
        if self.accept("not"):
            return ("not", self.unary())
        if self.accept("-"):
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def args(self) -> tuple[list, dict[str, tuple]]:
        pos: list = []
        kw: dict[str, tuple] = {}
        while not self.accept(")"):
            tok = self.peek()
            if tok[0] == "eof":
                raise _ParseError("unclosed call")
            if tok[0] == "id" and self.toks[self.i + 1][1] == ":":
                self.i += 2
                kw[tok[1]] = self.expr()
            else:
                pos.append(self.expr())
            if not self.accept(","):
                self.expect(")")
                break
        return pos, kw

    def postfix(self, node: tuple) -> tuple:
        while True:
            if self.accept("."):
                name = self.take()
                if name[0] != "id":
                    raise _ParseError("method name expected")
                self.expect("(")
                pos, kw = self.args()
                node = ("meth", name[2], node, name[1], pos, kw)
            elif self.accept("["):
                index = self.expr()
                self.expect("]")
                node = ("index", node, index)
            else:
                return node

    def primary(self) -> tuple:
        tok = self.take()
        kind, text, line = tok
        if kind == "str":
            return ("str", line, text)
        if kind in ("fstr", "num"):
            return ("opaque",)
        if kind == "id":
            if text in ("true", "false"):
                return ("bool", text == "true")
            if text in _KEYWORDS or text in ("and", "or", "not"):
                raise _ParseError("keyword in expression")
            if self.accept("("):
                pos, kw = self.args()
                return ("call", line, text, pos, kw)
            return ("id", line, text)
        if text == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if text == "[":
            items = []
            while not self.accept("]"):
                items.append(self.expr())
                if not self.accept(","):
                    self.expect("]")
                    break
            return ("arr", items)
        if text == "{":
            pairs = []
            while not self.accept("}"):
                key = self.expr()
                self.expect(":")
                pairs.append((key, self.expr()))
                if not self.accept(","):
                    self.expect("}")
                    break
            return ("dict", pairs)
        raise _ParseError(f"unexpected '{text}'")


# ------------------------------------------------------------------------------------------
# Evaluation
#
# Values: ("list", items) with items ("s" | "f", text, line, guard, serial) for strings and
# files() objects; ("opt", name) for get_option('name') (and feature methods that keep it);
# ("dep", name) for dependency(..., required: get_option('name')); ("cond", Cond); ("bool", b);
# ("dict", [(key text, value)]); None when unknown.

TARGETS = {
    "executable",
    "library",
    "shared_library",
    "static_library",
    "both_libraries",
    "shared_module",
    "build_target",
    "jar",
}
_NAMED = TARGETS | {"custom_target", "run_target", "alias_target", "test", "benchmark"}
_PATH_FUNCS = {
    "files",
    "include_directories",
    "install_subdir",
    "install_data",
    "install_headers",
    "install_man",
    "find_program",
}
_PATH_KWARGS = {
    "sources",
    "input",
    "include_directories",
    "depend_files",
    "extra_files",
    "objects",
}
_BUILD_KWARGS = {"sources", "objects", "input"}
_FEATURE_KEEP = {"require", "disable_auto_if", "enable_auto_if", "disable_if", "enable_if"}
_BUILTINS = {"meson", "host_machine", "build_machine", "target_machine"}
_MAX_LOOP = 256


class _Eval:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.env: dict[str, Any] = {}
        self.assigns: dict[str, int] = {}
        self.alive: Cond = True  # false once subdir_done()/error() ran unconditionally
        self.serial = 0
        # (spec, literal line) -> (guard, flags); (spec, call line) -> guard of building uses
        self.mentions: dict[tuple[str, int], Cond] = {}
        self.builds: dict[tuple[str, int], Cond] = {}
        self.subdirs: dict[tuple[str, int], Cond] = {}
        self.reads: dict[tuple[str, int], Cond] = {}
        self.segments: list[tuple[int, Any]] = [(1, None)]
        self.options: list[tuple[str, int, str]] = []
        self.depth = 0
        self.project = False  # a project() call: the root of a (sub)project
        # (subdir spec, line, {variable: its truth}) at each subdir(): Meson runs the subdir's
        # file in the same scope, so the boolean variables set so far flow into it
        self.passes: list[tuple[str, int, dict[str, Any]]] = []

    def _booleans(self) -> dict[str, Any]:
        """The variables set so far: booleans (options, conditions, true/false) as guards,
        anything else as ``NOT_BOOLEAN`` (it hides what an outer caller passed in)."""
        out: dict[str, Any] = {}
        for name, value in self.env.items():
            if value is not None and value[0] in ("opt", "cond", "bool", "ext"):
                out[name] = segment_value(self.truth(value))
            else:
                out[name] = NOT_BOOLEAN
        return out

    # conditions -------------------------------------------------------------------------
    def at(self, line: int, cond: Cond) -> Cond:
        """The condition of a statement at ``line`` under branch condition ``cond``."""
        full = cond_and(self.alive, cond)
        seg = segment_value(full)
        last_line, last_seg = self.segments[-1]
        if last_seg != seg and line >= last_line:  # loop bodies run again: lines go back
            if last_line == line:
                self.segments[-1] = (line, seg)
            else:
                self.segments.append((line, seg))
        return full

    def truth(self, value: Any) -> Cond:
        if value is None:
            return fresh_unknown()
        tag = value[0]
        if tag == "opt":
            return ("v", (value[1],))
        if tag == "cond":
            return value[1]
        if tag == "bool":
            return value[1]
        if tag == "ext":
            return ext_atom(value[1])
        return fresh_unknown()

    # statements -------------------------------------------------------------------------
    def run(self, stmts: list, cond: Cond) -> None:
        for st in stmts:
            if cond_and(self.alive, cond) is False:
                return
            self.statement(st, cond)

    def statement(self, st: tuple, cond: Cond) -> None:
        tag, line = st[0], st[1]
        here = self.at(line, cond)
        if tag == "expr":
            self.value(st[2], here, line)
        elif tag == "assign":
            _t, _l, name, op, node = st
            value = self.value(node, here, line)
            if value is None and _boolean(node):
                # one unknown for the variable, not a fresh one at each read: `have_x =
                # dep.found()` then `if not have_x and not get_option('y') error() endif` and
                # `if not have_x` below imply y (NumPy's lapack_lite and allow-noblas)
                value = ("cond", fresh_unknown())
            value = self._under(value, cond)
            self.assigns.setdefault(name, line)
            old = self.env.get(name)
            if op == "+=" or (cond is not True and old is not None):
                value = self._merge(old, value)
            self.env[name] = value
        elif tag == "if":
            earlier: Cond = True
            for test, body in st[2]:
                g = self.truth(self.value(test, here, line))
                self.run(body, cond_and(cond, cond_and(earlier, g)))
                earlier = cond_and(earlier, cond_not(g))
            self.run(st[3], cond_and(cond, earlier))
        elif tag == "foreach":
            _t, _l, names, items_node, body = st
            items = self.value(items_node, here, line)
            for binding in self._iterate(items, len(names)):
                for name, val in zip(names, binding, strict=False):
                    self.env[name] = val
                    self.assigns.setdefault(name, line)
                self.run(body, cond)

    def _iterate(self, value: Any, arity: int) -> list[list[Any]]:
        if value is not None and value[0] == "list" and arity == 1:
            return [[("list", (item,))] for item in value[1][:_MAX_LOOP]]
        if value is not None and value[0] == "dict" and arity == 2:
            return [[("list", ()), v] for _k, v in value[1][:_MAX_LOOP]]
        return [[None] * arity]

    def _under(self, value: Any, cond: Cond) -> Any:
        """A value assigned under ``cond``: its items exist only when ``cond`` holds."""
        if cond is True or value is None or value[0] != "list":
            return value
        return ("list", tuple((k, t, ln, cond_and(g, cond), s) for k, t, ln, g, s in value[1]))

    @staticmethod
    def _merge(old: Any, new: Any) -> Any:
        if old is None or new is None:
            return new if old is None else old if new is None else None
        if old[0] == "list" and new[0] == "list":
            return ("list", old[1] + new[1])
        return new if old == new else None

    # expressions ------------------------------------------------------------------------
    def value(self, node: tuple, cond: Cond, line: int) -> Any:
        self.depth += 1
        try:
            if self.depth > 200:
                return None
            return self._value(node, cond, line)
        finally:
            self.depth -= 1

    def _value(self, node: tuple, cond: Cond, line: int) -> Any:
        tag = node[0]
        if tag == "str":
            self.serial += 1
            return ("list", (("s", node[2], node[1], True, self.serial),))
        if tag == "bool":
            return ("bool", node[1])
        if tag == "id":
            name = node[2]
            if name not in self.env:
                if name in _BUILTINS:
                    return None
                key = (name, node[1])
                self.reads[key] = cond_or(self.reads.get(key, False), cond)
                return ("ext", name)  # set by a file that reaches this one through subdir()
            return self.env[name]
        if tag == "arr":
            items: tuple = ()
            for el in node[1]:
                v = self.value(el, cond, line)
                if v is not None and v[0] == "list":
                    items += v[1]
            return ("list", items)
        if tag == "dict":
            pairs = []
            for k, v in node[1]:
                key = self.value(k, cond, line)
                val = self.value(v, cond, line)
                text = key[1][0][1] if key and key[0] == "list" and len(key[1]) == 1 else ""
                pairs.append((text, val))
            return ("dict", pairs)
        if tag == "not":
            return ("cond", cond_not(self.truth(self.value(node[1], cond, line))))
        if tag in ("and", "or"):
            a = self.truth(self.value(node[1], cond, line))
            b = self.truth(self.value(node[2], cond, line))
            return ("cond", cond_and(a, b) if tag == "and" else cond_or(a, b))
        if tag == "cmp":
            return self._compare(node, cond, line)
        if tag == "bin":
            return self._binary(node, cond, line)
        if tag == "tern":
            g = self.truth(self.value(node[1], cond, line))
            a = self._under(self.value(node[2], cond, line), g)
            b = self._under(self.value(node[3], cond, line), cond_not(g))
            if a is not None and b is not None and a[0] == b[0] == "list":
                return ("list", a[1] + b[1])
            return None
        if tag == "index":
            self.value(node[1], cond, line)
            self.value(node[2], cond, line)
            return None
        if tag == "neg":
            self.value(node[1], cond, line)
            return None
        if tag == "call":
            return self._call(node, cond)
        if tag == "meth":
            return self._method(node, cond)
        return None

    def _compare(self, node: tuple, cond: Cond, line: int) -> Any:
        _t, op, left, right = node
        a = self.value(left, cond, line)
        b = self.value(right, cond, line)
        if op in ("==", "!=") and a is not None and b is not None:
            if b[0] == "opt":
                a, b = b, a
            if a[0] == "opt":
                on: Cond | None = None
                if b[0] == "bool":
                    on = ("v", (a[1],)) if b[1] else cond_not(("v", (a[1],)))
                elif b[0] == "list" and len(b[1]) == 1 and b[1][0][0] == "s":
                    word = b[1][0][1]
                    if word in ("enabled", "true"):
                        on = ("v", (a[1],))
                    elif word in ("disabled", "false"):
                        on = cond_not(("v", (a[1],)))
                if on is not None:
                    return ("cond", on if op == "==" else cond_not(on))
        return ("cond", fresh_unknown())

    def _binary(self, node: tuple, cond: Cond, line: int) -> Any:
        _t, op, left, right = node
        a = self.value(left, cond, line)
        b = self.value(right, cond, line)
        if a is None or b is None or a[0] != "list" or b[0] != "list":
            return None
        if op == "+":
            if len(a[1]) == 1 and len(b[1]) == 1 and a[1][0][0] == b[1][0][0] == "s":
                return self._joined(a[1][0], b[1][0], "")
            return ("list", a[1] + b[1])
        if op == "/" and len(a[1]) == 1 and len(b[1]) == 1 and a[1][0][0] == b[1][0][0] == "s":
            return self._joined(a[1][0], b[1][0], "/")
        return None

    def _joined(self, a: tuple, b: tuple, sep: str) -> Any:
        self.serial += 1
        text = a[1] + sep + b[1] if a[1] and b[1] else a[1] + b[1]
        return ("list", (("s", text, a[2], cond_and(a[3], b[3]), self.serial),))

    def _args(self, node: tuple, cond: Cond, line: int) -> tuple[list[Any], dict[str, Any]]:
        pos = [self.value(a, cond, line) for a in node[3 if node[0] == "call" else 4]]
        kws = node[4 if node[0] == "call" else 5]
        return pos, {k: self.value(v, cond, line) for k, v in kws.items()}

    def _call(self, node: tuple, cond: Cond) -> Any:
        _t, line, name, _p, _k = node
        first = self.serial
        pos, kw = self._args(node, cond, line)
        if name == "get_option" and pos and _single_str(pos[0]):
            return ("opt", pos[0][1][0][1])
        if name == "option" and pos and _single_str(pos[0]):
            kind = kw.get("type")
            type_name = kind[1][0][1] if kind is not None and _single_str(kind) else ""
            self.options.append((pos[0][1][0][1], line, type_name))
            return None
        if name in ("subdir_done", "error"):
            # ``cond`` is ``alive AND branch``: the rest of the file lives on under ``alive
            # AND NOT branch`` (not ``alive AND NOT (alive AND branch)``, which doubles the
            # condition at every guarded error() and grows exponentially in a loop)
            branch = _without(cond, self.alive)
            self.alive = cond_and(self.alive, cond_not(branch))
            return None
        if name == "project":
            self.project = True
            return None
        if name == "dependency":
            req = kw.get("required")
            if req is not None and req[0] == "opt":
                return ("dep", req[1])
            return None
        if name == "subdir":
            value = pos[0] if pos else None
            for item in value[1] if value is not None and value[0] == "list" else ():
                if item[0] == "s" and item[1]:
                    key = (item[1].rstrip("/") + "/meson.build", item[2])
                    g = cond_or(self.subdirs.get(key, False), cond_and(item[3], cond))
                    self.subdirs[key] = g
                    self.passes.append((key[0], line, self._booleans()))
            return None
        if name == "join_paths" and pos and all(_single_str(p) for p in pos):
            out = pos[0][1][0]
            for p in pos[1:]:
                out = self._joined(out, p[1][0], "/")[1][0]
            return ("list", (out,))
        named = name in _NAMED
        builds = name in TARGETS or name == "install_subdir"
        paths = name in _PATH_FUNCS or name in TARGETS
        if name == "install_subdir":
            pos = pos[:1]
        for i, value in enumerate(pos):
            if paths and not (named and i == 0):
                self.use(value, line, cond, builds, first)
        self._kwargs(kw, line, cond, first, name in TARGETS or name == "custom_target")
        if name == "files":
            return self._files(pos, cond)
        return None

    def _kwargs(
        self, kw: dict[str, Any], line: int, cond: Cond, first: int, building: bool
    ) -> None:
        for key, value in kw.items():
            if key in _PATH_KWARGS:
                self.use(value, line, cond, building and key in _BUILD_KWARGS, first)

    def _files(self, pos: list[Any], cond: Cond) -> Any:
        items: tuple = ()
        for value in pos:
            if value is not None and value[0] == "list":
                items += tuple(("f", t, ln, cond_and(g, cond), s) for _k, t, ln, g, s in value[1])
        return ("list", items)

    def _method(self, node: tuple, cond: Cond) -> Any:
        _t, line, obj_node, name, _p, _k = node
        obj = self.value(obj_node, cond, line)
        first = self.serial
        pos, kw = self._args(node, cond, line)
        if obj is not None and obj[0] == "opt":
            if name in ("enabled", "allowed", "auto"):
                return ("cond", ("v", (obj[1],)))
            if name == "disabled":
                return ("cond", cond_not(("v", (obj[1],))))
            if name in _FEATURE_KEEP:
                return obj
            return None
        if obj is not None and obj[0] == "dep":
            return ("cond", ("v", (obj[1],))) if name == "found" else None
        if name == "install_sources":
            for value in pos:
                self.use(value, line, cond, True, first)
            return None
        if name == "extension_module":
            for value in pos[1:]:
                self.use(value, line, cond, True, first)
            self._kwargs(kw, line, cond, first, True)
            return None
        if name == "process":
            for value in pos:
                self.use(value, line, cond, True, first)
            return None
        return None

    # uses -------------------------------------------------------------------------------
    def use(self, value: Any, line: int, cond: Cond, builds: bool, first: int) -> None:
        """``value`` read as source-tree paths by a command at ``line`` (``builds``: that
        compiles or ships them). Items made by this command's own arguments are direct."""
        if value is None or value[0] != "list":
            return
        for kind, text, lit_line, guard, serial in value[1]:
            g = cond_and(guard, cond)
            if g is False or not text:
                continue
            if builds:
                key = (text, line)
                self.builds[key] = cond_or(self.builds.get(key, False), g)
                if serial > first:
                    continue  # written right in the building command: that reference says it
            if kind == "s":
                key = (text, lit_line)
                self.mentions[key] = cond_or(self.mentions.get(key, False), g)

    def refs(self) -> list[RawRef]:
        out: list[RawRef] = []

        def ev(line: int) -> str:
            return evidence_text(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""

        def guard(c: Cond) -> Any:
            return None if c is True else c

        for (spec, line), c in self.subdirs.items():
            if c is not False:
                out.append((K_MESON_PATH, spec, line, ev(line), guard(c), F_SUBDIR))
        for (spec, line), c in self.mentions.items():
            if c is not False:
                out.append((K_MESON_PATH, spec, line, ev(line), guard(c), 0))
        for (spec, line), c in self.builds.items():
            if c is not False:
                out.append((K_MESON_BUILD, spec, line, ev(line), guard(c), F_BUILDS))
        for (name, line), c in self.reads.items():
            if c is not False:  # read while no earlier statement of this file had set it
                out.append((K_BUILD_DEPENDENCY, name, line, ev(line), guard(c), 0))
        out.sort(key=lambda r: (r[2], r[0], r[1]))
        return out


NOT_BOOLEAN = "?"  # in ``passes``: a variable set to something other than a boolean
EXT_PREFIX = "@"  # Meson option names cannot hold it: an atom no toggle name matches


def ext_atom(name: str) -> tuple:
    """The truth of a variable this file reads before setting it: one free atom per name, which
    :func:`resolve.meson.resolve_meson` replaces with what the file calling subdir() set."""
    return ("v", (EXT_PREFIX + name,))


def _without(cond: Cond, alive: Cond) -> Cond:
    """The branch part of ``cond`` = ``alive AND branch`` (as :meth:`_Eval.at` builds it)."""
    if alive is True or cond is True or cond is False:
        return cond
    have = alive[1:] if alive[0] == "and" else (alive,)
    items = cond[1:] if cond[0] == "and" else (cond,)
    ids = {id(x) for x in have}
    rest = [x for x in items if id(x) not in ids]
    if len(rest) + len(ids) != len(items):
        return cond  # not built from ``alive``: keep it whole (still correct, only larger)
    return conj(*rest) if rest else True


def _single_str(value: Any) -> bool:
    return value is not None and value[0] == "list" and len(value[1]) == 1 and value[1][0][0] == "s"


# ------------------------------------------------------------------------------------------
# Entry points


_BOOLEAN_METHODS = frozenset({"found", "enabled", "disabled", "allowed", "auto", "contains"})


def _boolean(node: tuple) -> bool:
    """An expression Meson evaluates to a boolean: ``x.found()`` and kin, ``not``, a comparison."""
    tag = node[0]
    return tag in ("not", "cmp") or (tag == "meth" and node[3] in _BOOLEAN_METHODS)


def read_meson(text: str) -> FileFacts:
    notes: list[tuple[int, str]] = []
    toks = _tokens(text)
    parser = _Parser(toks)
    stmts = parser.block((), notes)
    ev = _Eval(text.split("\n"))
    try:
        ev.run(stmts, True)
    except RecursionError:
        notes.append((0, "meson: nesting too deep; references read up to there"))
    extra: dict[str, Any] = {
        "segments": ev.segments,
        "assigns": ev.assigns,
        "subdir_lines": sorted({line for _s, line in ev.subdirs}),
    }
    if ev.options:
        extra["options"] = ev.options
    if ev.project:
        extra["project"] = True
    if ev.passes:
        extra["passes"] = ev.passes
    return ("meson", ev.refs(), notes, extra)


def blank_comments_meson(text: str) -> str:
    """The text with ``#`` comments blanked (for the modules' ``references`` patterns)."""
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "comment":
            out.append(text[pos : m.start()])
            out.append(" " * (m.end() - m.start()))
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)
