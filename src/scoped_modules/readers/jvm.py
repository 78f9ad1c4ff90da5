"""JVM reader: Java, Scala (with sbt build definitions) and Kotlin sources.

What a source needs from the repository is named by its imports and its fully qualified names;
the resolver finds the files by *package declaration* (what the compilers go by), not by path.

- ``jvm-import``: ``import a.b.C;``, ``import static a.b.C.m;``, ``import a.b.*``,
  ``import a.b._``, ``import a.b.{C, D => E, _}``, ``import a.b.C as D``, several clauses
  after one Scala ``import``; wildcards carry ``F_WILDCARD``. Scala imports may be relative to
  the enclosing packages (chained package clauses) and to earlier wildcard imports: they carry
  ``F_RELATIVE`` (``_root_.`` imports do not); Java and Kotlin imports are absolute.
- ``jvm-name``: a fully qualified name in code (``org.apache.spark.graphx.Graph``, lowercase
  package segments then a capitalised name), outside imports, comments and strings.

``extra``: ``"package"`` (the package, ``""`` for the default one), ``"scopes"`` (packages
whose members are visible unqualified: the accumulated chained Scala clauses, else the
package), ``"types"`` (top-level types: class, interface, enum, record, object, trait,
typealias) and ``"members"`` (top-level fun/def/val/var), ``"pkg_objects"`` (Scala package
objects), ``"names"`` (capitalised simple names used in code -> first line, for same-package
and wildcard uses), and for sbt definitions ``"sbt"``: ``{val: (directory or None, line)}``
of the projects defined (``project``, ``project in file("x")``, ``Project("id", file("x"))``,
``crossProject(...)`` with ``.in(file("x"))``; ``"sbt_cross"`` lists the crossProject ones).
sbt ``dependsOn(...)`` / ``aggregate(...)`` give ``build-dependency`` / ``build-module``
references with spec ``"from>to"`` (project vals); arguments other than project names (with an
optional ``% "test->test"``) leave the call unread, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .facts import (
    F_BUILDS,
    F_RELATIVE,
    F_WILDCARD,
    K_BUILD_DEPENDENCY,
    K_BUILD_MODULE,
    K_JVM_IMPORT,
    K_JVM_NAME,
    FileFacts,
    RawRef,
    block_comment_end,
    evidence_text,
)

_LEX = re.compile(
    r"//[^\n]*|/\*|\"\"\"|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\u[0-9a-fA-F]{4}|\\.|[^'\\\n])'"
)
_NOT_NL = re.compile(r"[^\n]")

_ID = r"[A-Za-z_$][\w$]*|`[^`\n]+`"
_TYPE_KW = {"class", "object", "interface", "enum", "record", "trait", "typealias"}
# Comments and literals: the captured ones (block comments, text blocks) can span lines.
# Line comments first (the most frequent); a character literal matters only when it is a
# double quote (`'"'`), which would otherwise open a string.
_SINGLE = re.compile(
    r"//[^\n]*+"
    r"|(/\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/|/\*[\s\S]*|\"\"\"(?:[^\"]++|\"(?!\"\"))*+(?:\"\"\"|\Z)\"*)"
    r"|\"[^\"\\\n]*+(?:\\.[^\"\\\n]*+)*+\"?|'\\?\"'"
)
# keywords found by their literal text (fast), the boundary checked after
_IMPORT = re.compile(r"import\b")
_PACKAGE = re.compile(
    rf"package\s+(?:(object)\s+([\w$]+)|((?:{_ID})(?:\s*\.\s*(?:{_ID}))*)\s*(\{{)?)"
)
_TYPE_DECLS = [
    (word, re.compile(rf"{word}\s+(?:<[^>\n]*>\s*)?(?:class\s+)?([A-Za-z_$][\w$]*)"))
    for word in ("class", "object", "interface", "enum", "record", "trait", "typealias")
]
_NOT_JAVA = {"object", "trait", "typealias"}
# top-level members (Scala 3, Kotlin) start a line: at its start, or indented inside `package x {`
_MODIFIERS = (
    r"(?:(?:private|protected|public|internal|final|implicit|lazy|override|inline|suspend"
    r"|const|open|@[\w.]+)[ \t]+)*"
)
_MEMBER_TAIL = (
    r"(def|val|var|fun)[ \t]+(?:<[^>\n]*>[ \t]*)?(?:[\w$]+(?:<[^>\n]*>)?[ \t]*\.[ \t]*)*"
    r"([A-Za-z_$][\w$]*)"
)
_MEMBER = re.compile(rf"^{_MODIFIERS}{_MEMBER_TAIL}", re.M)
_MEMBER_INDENTED = re.compile(rf"^[ \t]*{_MODIFIERS}{_MEMBER_TAIL}", re.M)
_IDENT_BYTE = bytes(
    c if (chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_$.")) or c >= 0x80 else 0x20
    for c in range(256)
)
_FQN_LINE = re.compile(r"^[a-z_][\w$]*(?:\.[a-z_][\w$]*)+\.[A-Z][\w$]*", re.M)
_CAPITAL_LINE = re.compile(r"^[A-Z][\w$]*", re.M)
_CLAUSE = re.compile(rf"\bpackage\s+(?!object\b)((?:{_ID})(?:\s*\.\s*(?:{_ID}))*)")
_PKG_OBJECT = re.compile(r"\bpackage\s+object\s+([\w$]+)")
_DECL = re.compile(
    r"\b(enum\s+class|case\s+class|case\s+object|class|object|interface|enum|record|trait"
    r"|typealias|def|val|var)\s+(?:<[^>\n]*>\s*)?([A-Za-z_$][\w$]*)"
)
_OP = r"[!#%&*+\-/:<=>?@\\^|~]+"  # a Scala operator name (`cats.~>`, `Chain.==:`)
_CLAUSE = re.compile(
    rf"(?P<root>_root_\s*\.\s*)?(?P<path>(?:{_ID})(?:\s*\.\s*(?:{_ID}|{_OP}))*)"
    r"(?:\s*\.\s*(?:\{(?P<sel>.*)\}|(?P<wild>[_*])|given\b))?"
    rf"(?:\s+as\s+(?:{_ID})|\s*=>\s*(?:{_ID}))?\s*\Z",
    re.S,
)
_SPACES = re.compile(r"\s+")
_SEGMENT = r"(?:[A-Za-z$][\w$]*|_[\w$]+)"  # an identifier, not a lone `_`
_PLAIN_IMPORT = re.compile(
    rf"[ \t]*(static[ \t]+)?(?!_root_\.)({_SEGMENT}(?:\.{_SEGMENT})*)(\.[*_])?[ \t]*"
)
_STATEMENT_STOP = re.compile(r"[;\n{]")
_ALIAS = re.compile(r"(?:=>|\bas)\s*([A-Za-z$][\w$]*)")


def _blank(span: str) -> str:
    return "\n" * span.count("\n") if "\n" in span else " "


def _hide(text: str, nested: bool, strings: bool, keep_width: bool) -> str:
    """Comments (and with ``strings`` string and character literals) blanked; newlines kept,
    and with ``keep_width`` every other character becomes a space."""
    out: list[str] = []
    pos = 0
    n = len(text)
    blank: Callable[[str], str] = (lambda s: _NOT_NL.sub(" ", s)) if keep_width else _blank
    while pos < n:
        m = _LEX.search(text, pos)
        if m is None:
            break
        tok, start = m.group(0), m.start()
        if tok == "/*":
            end = block_comment_end(text, m.end(), nested)
            is_comment = True
        elif tok == '"""':
            close = text.find('"""', m.end())
            end = n if close < 0 else close + 3
            while end < n and text[end] == '"':
                end += 1
            is_comment = False
        else:
            end = m.end()
            is_comment = tok[0] == "/"
        out.append(text[pos:start])
        out.append(blank(text[start:end]) if is_comment or strings else text[start:end])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _code_of(text: str, nested: bool) -> str:
    """Comments and literals blanked, newlines kept. Nested comments (Scala, Kotlin) take the
    slow path, only when a comment holds a `/*`."""
    # split keeps the captured block comments and text blocks and gives None for the other
    # tokens: joining the non-empty parts with spaces drops those tokens, all in C
    parts = _SINGLE.split(text)
    parts[1::2] = [
        ("\n" * tok.count("\n") if "\n" in tok else None) if tok else None for tok in parts[1::2]
    ]
    code = " ".join(filter(None, parts))
    if nested and re.search(r"/\*(?:(?!\*/)[\s\S])*?/\*", text):
        code = _hide(text, True, strings=True, keep_width=False)
    return code


def _bare(code: str, pos: int) -> bool:
    """Whether a word found at ``pos`` starts there (not inside a longer or dotted name)."""
    return pos == 0 or not (code[pos - 1].isalnum() or code[pos - 1] in "_$.")


def _dotted(text: str) -> str:
    if _SPACES.search(text) is None and "`" not in text:
        return text
    return _SPACES.sub("", text).replace("`", "")


def _statement_end(code: str, pos: int) -> int:
    """End of an import statement starting at ``pos``: ``;`` or the end of the line, outside
    braces (Scala selectors may span lines)."""
    while True:
        m = _STATEMENT_STOP.search(code, pos)
        if m is None:
            return len(code)
        if m.group(0) != "{":
            return m.start()
        close = code.find("}", m.end())
        if close < 0:
            return len(code)
        pos = close + 1


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for i, c in enumerate(text):
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _import_specs(body: str, dialect: str) -> list[tuple[str, int]] | None:
    """(dotted spec, flags) of one import statement's body; None when not understood."""
    simple = _PLAIN_IMPORT.fullmatch(body)
    if simple is not None and not simple.group(2).endswith(".given"):  # the common case
        if simple.group(1) and dialect != "java":
            return None
        relative = F_RELATIVE if dialect == "scala" else 0
        if simple.group(3):
            return [(simple.group(2), F_WILDCARD | relative)]
        return [(simple.group(2), relative)]
    body = body.strip()
    if dialect == "java":
        body = re.sub(r"^static\s+", "", body)
    out: list[tuple[str, int]] = []
    for clause in _split_top(body) if dialect == "scala" else [body]:
        m = _CLAUSE.match(clause.strip())
        if m is None:
            return None
        path = _dotted(m.group("path"))
        relative = F_RELATIVE if dialect == "scala" and not m.group("root") else 0
        head, _dot, last = path.rpartition(".")
        if m.group("sel") is None and head and last in ("_", "given", "*"):
            path = head  # `import a.b._`: the identifier rule took the underscore
        if m.group("wild") or path != _dotted(m.group("path")):
            out.append((path, F_WILDCARD | relative))
        elif m.group("sel") is not None:
            for sel in _split_top(m.group("sel")):
                sel = sel.strip()
                name = re.split(r"\s*=>\s*|\s+as\s+", sel)[0].strip().replace("`", "")
                hidden = re.search(r"(=>|\bas)\s*_\s*\Z", sel) is not None
                if not name or hidden:
                    continue
                if name in ("_", "*", "given") or name.startswith("given "):
                    out.append((path, F_WILDCARD | relative))
                elif re.fullmatch(r"[\w$]+", name):
                    out.append((f"{path}.{name}", relative))
        else:
            out.append((path, relative))
    return out


class _Reader:
    def __init__(self, text: str, dialect: str) -> None:
        self.text = text
        self.dialect = dialect
        self._lines: list[str] | None = None  # split on first use (evidence of names)
        self.refs: list[RawRef] = []
        self.notes: list[tuple[int, str]] = []
        self.bound: set[str] = set()  # simple names declared or imported by this file

    def ev(self, line: int) -> str:
        if self._lines is None:
            self._lines = self.text.split("\n")
        lines = self._lines
        return evidence_text(lines[line - 1]) if 0 < line <= len(lines) else ""

    def read(self) -> FileFacts:
        code = self._code = _code_of(self.text, nested=self.dialect != "java")
        self._at = (0, 1)
        spans: list[tuple[int, int]] = []
        for m in _IMPORT.finditer(code):
            if _bare(code, m.start()):
                end = _statement_end(code, m.end())
                self._import(code[m.end() : end], self.line_at(m.start()))
                spans.append((m.start(), end))
        clauses, pkg_objects, blocks = self._packages(code, spans)
        types, members = self._declarations(code, blocks)
        names_code = self._without(code, sorted(spans))
        package = ".".join(clauses)
        scopes = [".".join(clauses[: i + 1]) for i in range(len(clauses))]
        if self.dialect != "scala" or not scopes:
            scopes = [package]
        extra: dict[str, Any] = {
            "package": package,
            "scopes": scopes,
            "types": sorted(types - set(pkg_objects)),
            "members": sorted(members),
            "names": self._used_names(names_code),
        }
        if pkg_objects:
            extra["pkg_objects"] = pkg_objects
        if self.dialect == "scala":
            self._sbt(extra)
        return (self.dialect, self.refs, self.notes, extra)

    def line_at(self, pos: int) -> int:
        """1-based line of ``pos`` (counted on from the previous answer when it lies after it)."""
        last_pos, last_line = self._at
        if pos < last_pos:
            last_pos, last_line = 0, 1
        line = last_line + self.code_newlines(last_pos, pos)
        self._at = (pos, line)
        return line

    def code_newlines(self, start: int, end: int) -> int:
        return self._code.count("\n", start, end)

    def _packages(
        self, code: str, spans: list[tuple[int, int]]
    ) -> tuple[list[str], list[str], list[int]]:
        """(package clauses in order, package objects, offsets of `package x {` braces)."""
        clauses: list[str] = []
        objects: list[str] = []
        blocks: list[int] = []
        for m in _PACKAGE.finditer(code):
            if not _bare(code, m.start()):
                continue
            if m.group(1):
                objects.append(m.group(2))
                continue
            clauses.append(_dotted(m.group(3)))
            spans.append(m.span())
            if m.group(4):
                blocks.append(m.end() - 1)
        return clauses, objects, blocks

    def _declarations(self, code: str, blocks: list[int]) -> tuple[set[str], set[str]]:
        """(top-level types, top-level members); every type name of the file is bound."""
        found: list[tuple[int, str, str]] = []
        for word, rx in _TYPE_DECLS:
            if word in _NOT_JAVA and self.dialect == "java":
                continue
            for m in rx.finditer(code):
                if _bare(code, m.start()):
                    found.append((m.start(), word, m.group(1)))
        if self.dialect != "java":
            for m in (_MEMBER_INDENTED if blocks else _MEMBER).finditer(code):
                found.append((m.start(2), m.group(1), m.group(2)))
        found.sort()
        types: set[str] = set()
        members: set[str] = set()
        depth = last = 0
        count = code.count
        for pos, word, name in found:
            depth += count("{", last, pos) - count("}", last, pos)
            last = pos
            is_type = word in _TYPE_KW
            if is_type:
                self.bound.add(name)  # a type of this file, at any depth
            top = len(blocks) and sum(1 for b in blocks if b < pos)  # `package x {` braces
            if depth != top:
                continue  # in a body
            start = code.rfind("}", 0, pos) + 1  # not a constructor parameter:
            if count("(", start, pos) > count(")", start, pos):
                continue
            (types if is_type else members).add(name)
        return types, members

    def _import(self, body: str, line: int) -> None:
        specs = _import_specs(body, self.dialect)
        if specs is None:
            self.notes.append((line, "import not understood; not counted as a reference"))
            return
        evidence = evidence_text("import" + body + (";" if self.dialect == "java" else ""))
        for spec, flags in specs:
            self.refs.append((K_JVM_IMPORT, spec, line, evidence, None, flags))
            if not flags & F_WILDCARD:
                self.bound.add(spec.rsplit(".", 1)[-1])
        if "=>" in body or " as " in body:
            self.bound.update(_ALIAS.findall(body))

    @staticmethod
    def _without(code: str, spans: list[tuple[int, int]]) -> str:
        out: list[str] = []
        pos = 0
        for start, end in spans:
            out.append(code[pos:start])
            newlines = code.count("\n", start, end)  # same length, as many newlines
            out.append("\n" * newlines + " " * (end - start - newlines))
            pos = end
        out.append(code[pos:])
        return "".join(out)

    def _used_names(self, code: str) -> dict[str, int]:
        """Fully qualified names (``jvm-name`` references) and the capitalised simple names
        used in code (-> line of first use), from one byte-level tokenization: identifier
        characters and dots kept, everything else a separator. The distinct tokens, one a
        line, are then searched for the two shapes."""
        tokens = set(code.encode("utf-8", "surrogatepass").translate(_IDENT_BYTE).split())
        distinct = b"\n".join(tokens).decode("utf-8", "replace")
        fqns: list[tuple[int, str]] = []
        for spec in _FQN_LINE.findall(distinct):
            pos = self._find_bare(code, spec)
            if pos >= 0:
                fqns.append((pos, spec))
        simple: list[tuple[int, str]] = []
        for name in set(_CAPITAL_LINE.findall(distinct)) - self.bound:
            if name[1:] and not name.isupper():  # not `T`, not a CONSTANT
                pos = self._find_bare(code, name)
                if pos >= 0:
                    simple.append((pos, name))
        for pos, spec in sorted(fqns):
            line = self.line_at(pos)
            self.refs.append((K_JVM_NAME, spec, line, self.ev(line), None, 0))
        return {name: self.line_at(pos) for pos, name in sorted(simple)}

    @staticmethod
    def _find_bare(code: str, word: str) -> int:
        """The first offset where ``word`` stands alone (not part of a longer name); -1."""
        pos = code.find(word)
        end_chars = "_$"
        while pos >= 0:
            after = code[pos + len(word) : pos + len(word) + 1]
            if _bare(code, pos) and not (after.isalnum() or after in end_chars):
                return pos
            pos = code.find(word, pos + 1)
        return -1

    # sbt --------------------------------------------------------------------------------
    def _sbt(self, extra: dict[str, Any]) -> None:
        if not any(word in self.text for word in ("dependsOn", "aggregate", "project", "Project(")):
            return
        code = _hide(self.text, True, strings=False, keep_width=True)
        projects: dict[str, tuple[str | None, int]] = {}
        cross: list[str] = []  # sbt-crossproject projects (shared/jvm/js/native layouts)
        bodies: list[tuple[str, int, int]] = []  # (val, start, end) of each definition
        defs = list(_SBT_DEF.finditer(code))
        for i, m in enumerate(defs):
            val = m.group("val")
            rhs_end = defs[i + 1].start() if i + 1 < len(defs) else len(code)
            rhs = code[m.end() : rhs_end]
            d = _SBT_PROJECT.match(rhs)
            line = code.count("\n", 0, m.start()) + 1
            if d is None:
                call = _SBT_CALL.search(rhs)
                if call is not None and _SBT_DEF_HEAD.match(rhs):
                    self.notes.append(
                        (
                            line,
                            f"sbt project '{val}' is defined in a way not read; its "
                            f"{call.group(1)}(...) is not read",
                        )
                    )
                continue
            directory = d.group("in1") or d.group("in2") or d.group("dir")
            if directory is None:
                moved = _SBT_IN.search(rhs)  # `.in(file("x"))` later in the chain
                directory = moved.group(1) if moved else val
            projects[val] = (directory, line)
            if d.group("cross"):
                cross.append(val)
            bodies.append((val, m.end(), rhs_end))
        if not projects:
            return
        extra["sbt"] = projects
        if cross:
            extra["sbt_cross"] = cross
        for val, start, end in bodies:
            self._sbt_calls(code, val, start, end, projects)
        for m in _SBT_STANDALONE.finditer(code):
            if m.group("val") in projects and not any(s <= m.start() < e for _v, s, e in bodies):
                paren = code.find("(", m.end())
                self._sbt_calls(code, m.group("val"), m.start(), paren + 1, projects)

    def _sbt_calls(
        self, code: str, val: str, start: int, end: int, projects: dict[str, Any]
    ) -> None:
        for m in _SBT_CALL.finditer(code, start, end):
            if code.count("(", start, m.start()) > code.count(")", start, m.start()):
                continue  # inside `.settings(...)`: a task's dependsOn, not the project's
            close = _closing(code, m.end())
            line = code.count("\n", 0, m.start()) + 1
            args = [a.strip() for a in _split_top(code[m.end() : close]) if a.strip()]
            targets: list[str] = []
            for a in args:
                arg = _SBT_ARG.fullmatch(a)
                if arg is None or (arg.group(1) or arg.group(2)) not in projects:
                    targets = []
                    self.notes.append(
                        (line, f"sbt {m.group(1)}({a[:40]}): not a project of this file; not read")
                    )
                    break
                targets.append(arg.group(1) or arg.group(2))
            kind = K_BUILD_DEPENDENCY if m.group(1) == "dependsOn" else K_BUILD_MODULE
            flags = 0 if kind == K_BUILD_DEPENDENCY else F_BUILDS
            for target in targets:
                self.refs.append((kind, f"{val}>{target}", line, self.ev(line), None, flags))


_SBT_DEF = re.compile(r"^[ \t]*(?:lazy\s+)?val\s+(?P<val>[A-Za-z_][\w]*)\s*=", re.M)
_SBT_PROJECT = re.compile(
    r"\s*\(?\s*(?:(?P<macro>project)\b(?:\s*\.\s*in\s*\(\s*file\s*\(\s*\"(?P<in1>[^\"]*)\"\s*\)\s*\)"
    r"|\s+in\s+file\s*\(\s*\"(?P<in2>[^\"]*)\"\s*\))?"
    r"|Project\s*\(\s*(?:id\s*=\s*)?\"[^\"]*\"\s*,\s*(?:base\s*=\s*)?file\s*\(\s*\"(?P<dir>[^\"]*)\"\s*\)"
    r"|(?P<cross>crossProject)\s*\()"
)
_SBT_IN = re.compile(r"\.\s*in\s*\(\s*file\s*\(\s*\"([^\"]*)\"\s*\)\s*\)")
_SBT_DEF_HEAD = re.compile(r"\s*\(?\s*[A-Za-z_]\w*(?:Project|project)\b")
_SBT_CALL = re.compile(r"\.\s*(dependsOn|aggregate)\s*\(")
_SBT_STANDALONE = re.compile(r"^[ \t]*(?P<val>[A-Za-z_]\w*)\s*\.\s*(?:dependsOn|aggregate)\b", re.M)
_SBT_ARG = re.compile(
    r"([A-Za-z_]\w*)(?:\.(?:jvm|js|native))?(?:\s*%\s*(?:\"[^\"]*\"|[A-Za-z_]\w*))?"
    r"|LocalProject\s*\(\s*\"(\w+)\"\s*\)"
)


def _closing(code: str, pos: int) -> int:
    depth = 1
    for i in range(pos, len(code)):
        c = code[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(code)


def read_java(text: str) -> FileFacts:
    return _Reader(text, "java").read()


def read_scala(text: str) -> FileFacts:
    return _Reader(text, "scala").read()


def read_kotlin(text: str) -> FileFacts:
    return _Reader(text, "kotlin").read()


def blank_comments_java(text: str) -> str:
    """The text with comments blanked (for the modules' ``references`` patterns)."""
    return _hide(text, False, strings=False, keep_width=True)


def blank_comments_nested(text: str) -> str:
    """Scala and Kotlin: block comments nest."""
    return _hide(text, True, strings=False, keep_width=True)


READERS: dict[str, Callable[[str], FileFacts]] = {
    "java": read_java,
    "scala": read_scala,
    "kotlin": read_kotlin,
}
BLANKERS: dict[str, Callable[[str], str]] = {
    "java": blank_comments_java,
    "scala": blank_comments_nested,
    "kotlin": blank_comments_nested,
}
