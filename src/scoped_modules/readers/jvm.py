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
of the projects defined (``project``, ``project in file("x")``, ``Project("id", file("x"))``).
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
    evidence_text,
)

_LEX = re.compile(
    r"//[^\n]*|/\*|\"\"\"|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\u[0-9a-fA-F]{4}|\\.|[^'\\\n])'"
)
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_NOT_NL = re.compile(r"[^\n]")

_ID = r"[A-Za-z_$][\w$]*|`[^`\n]+`"
_SCAN = re.compile(
    r"(?P<open>\{)|(?P<close>\})"
    r"|\bpackage\s+object\s+(?P<pobj>[\w$]+)"
    rf"|\bpackage\s+(?P<pkg>(?:{_ID})(?:\s*\.\s*(?:{_ID}))*)[ \t]*;?[ \t]*(?P<pbrace>\{{)?"
    r"|(?P<import>(?<![\w$.])import\b)"
    r"|\b(?P<kw>enum\s+class|case\s+class|case\s+object|class|object|interface|enum|record|trait"
    r"|typealias|fun|def|val|var)\s+(?:<[^>\n]*>\s*)?(?P<name>[A-Za-z_$][\w$]*)"
)
_TYPE_KW = {"class", "object", "interface", "enum", "record", "trait", "typealias"}
_CLAUSE = re.compile(
    rf"(?P<root>_root_\s*\.\s*)?(?P<path>(?:{_ID})(?:\s*\.\s*(?:{_ID}))*)"
    r"(?:\s*\.\s*(?:\{(?P<sel>.*)\}|(?P<wild>[_*])|given\b))?"
    rf"(?:\s+as\s+(?:{_ID})|\s*=>\s*(?:{_ID}))?\s*\Z",
    re.S,
)
_FQN = re.compile(r"(?<![\w$.])([a-z_][\w$]*(?:\.[a-z_][\w$]*)+\.[A-Z][\w$]*)")
_SIMPLE = re.compile(r"(?<![\w$.])([A-Z][\w$]*[a-z][\w$]*)")
_SPACES = re.compile(r"\s+")
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
            depth, end = 1, m.end()
            while depth:
                c = _COMMENT_EDGE.search(text, end)
                if c is None:
                    end = n
                    break
                end = c.end()
                depth += 1 if c.group(0) == "/*" and nested else -1 if c.group(0) == "*/" else 0
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


def _dotted(text: str) -> str:
    return _SPACES.sub("", text).replace("`", "")


def _statement_end(code: str, pos: int) -> int:
    """End of an import statement starting at ``pos``: ``;`` or a newline outside braces."""
    depth = 0
    n = len(code)
    i = pos
    while i < n:
        c = code[i]
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (c == ";" or (c == "\n" and code[pos:i].strip())):
            return i
        i += 1
    return n


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
        if m.group("sel") is None and head and last in ("_", "given"):
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
        self.lines = text.split("\n")
        self.refs: list[RawRef] = []
        self.notes: list[tuple[int, str]] = []
        self.bound: set[str] = set()  # simple names declared or imported by this file

    def ev(self, line: int) -> str:
        return evidence_text(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""

    def read(self) -> FileFacts:
        code = _hide(self.text, self.dialect != "java", strings=True, keep_width=False)
        clauses: list[str] = []
        scopes: list[str] = []
        types: set[str] = set()
        members: set[str] = set()
        pkg_objects: list[str] = []
        spans: list[tuple[int, int]] = []
        depth = 0
        package_depth = 0  # braces opened by `package x {` blocks
        line, last = 1, 0
        pos = brace_end = 0
        while True:
            m = _SCAN.search(code, pos)
            if m is None:
                break
            pos = m.end()
            if m.group("open") is not None:
                depth += 1
                brace_end = pos
                continue
            if m.group("close") is not None:
                depth = max(0, depth - 1)
                package_depth = min(package_depth, depth)
                brace_end = pos
                continue
            line += code.count("\n", last, m.start())
            last = m.start()
            if m.group("pobj") is not None:
                if depth == package_depth:
                    pkg_objects.append(m.group("pobj"))
            elif m.group("pkg") is not None:
                if depth == package_depth:
                    clauses.append(_dotted(m.group("pkg")))
                    scopes.append(".".join(clauses))
                    spans.append((m.start(), m.end()))
                    if m.group("pbrace"):
                        depth += 1
                        package_depth = depth
            elif m.group("import") is not None:
                end = _statement_end(code, m.end())
                self._import(code[m.end() : end], line)
                spans.append((m.start(), end))
                line += code.count("\n", last, end)
                last = end
                pos = max(pos, end)
            elif m.group("kw") is not None:
                word = m.group("kw").split()[-1]
                if word in _TYPE_KW:
                    self.bound.add(m.group("name"))  # a type of this file, at any depth
                opened = code.count("(", brace_end, m.start()) - code.count(
                    ")", brace_end, m.start()
                )
                if depth == package_depth and opened <= 0:  # not a constructor parameter
                    (types if word in _TYPE_KW else members).add(m.group("name"))
        package = ".".join(clauses)
        if self.dialect != "scala" or not scopes:
            scopes = [package]
        names_code = self._without(code, spans)
        self._names(names_code)
        extra: dict[str, Any] = {
            "package": package,
            "scopes": scopes,
            "types": sorted(types),
            "members": sorted(members),
            "names": self._simple_names(names_code, self.bound),
        }
        if pkg_objects:
            extra["pkg_objects"] = pkg_objects
        if self.dialect == "scala":
            self._sbt(extra)
        return (self.dialect, self.refs, self.notes, extra)

    def _import(self, body: str, line: int) -> None:
        specs = _import_specs(body, self.dialect)
        if specs is None:
            self.notes.append((line, "import not understood; not counted as a reference"))
            return
        for spec, flags in specs:
            self.refs.append((K_JVM_IMPORT, spec, line, self.ev(line), None, flags))
            if not flags & F_WILDCARD:
                self.bound.add(spec.rsplit(".", 1)[-1])
        self.bound.update(_ALIAS.findall(body))

    @staticmethod
    def _without(code: str, spans: list[tuple[int, int]]) -> str:
        out: list[str] = []
        pos = 0
        for start, end in spans:
            out.append(code[pos:start])
            out.append(_blank(code[start:end]))
            pos = end
        out.append(code[pos:])
        return "".join(out)

    def _names(self, code: str) -> None:
        seen: set[str] = set()
        line, last = 1, 0
        for m in _FQN.finditer(code):
            spec = m.group(1)
            line += code.count("\n", last, m.start())
            last = m.start()
            if spec not in seen:
                seen.add(spec)
                self.refs.append((K_JVM_NAME, spec, line, self.ev(line), None, 0))

    @staticmethod
    def _simple_names(code: str, own: set[str]) -> dict[str, int]:
        names: dict[str, int] = {}
        line, last = 1, 0
        for m in _SIMPLE.finditer(code):
            name = m.group(1)
            if name in names or name in own:
                continue
            line += code.count("\n", last, m.start())
            last = m.start()
            names[name] = line
        return names

    # sbt --------------------------------------------------------------------------------
    def _sbt(self, extra: dict[str, Any]) -> None:
        if not any(word in self.text for word in ("dependsOn", "aggregate", "project", "Project(")):
            return
        code = _hide(self.text, True, strings=False, keep_width=True)
        projects: dict[str, tuple[str | None, int]] = {}
        bodies: list[tuple[str, int, int]] = []  # (val, start, end) of each definition
        defs = list(_SBT_DEF.finditer(code))
        for i, m in enumerate(defs):
            val = m.group("val")
            rhs_end = defs[i + 1].start() if i + 1 < len(defs) else len(code)
            rhs = code[m.end() : rhs_end]
            d = _SBT_PROJECT.match(rhs)
            if d is None:
                continue
            directory = d.group("in1") or d.group("in2") or d.group("dir")
            if directory is None and d.group("macro"):
                directory = val
            line = code.count("\n", 0, m.start()) + 1
            projects[val] = (directory, line)
            bodies.append((val, m.end(), rhs_end))
        if not projects:
            return
        extra["sbt"] = projects
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
    r"|Project\s*\(\s*(?:id\s*=\s*)?\"[^\"]*\"\s*,\s*(?:base\s*=\s*)?file\s*\(\s*\"(?P<dir>[^\"]*)\"\s*\))"
)
_SBT_CALL = re.compile(r"\.\s*(dependsOn|aggregate)\s*\(")
_SBT_STANDALONE = re.compile(r"^[ \t]*(?P<val>[A-Za-z_]\w*)\s*\.\s*(?:dependsOn|aggregate)\b", re.M)
_SBT_ARG = re.compile(r"([A-Za-z_]\w*)(?:\s*%\s*\"[^\"]*\")?|LocalProject\s*\(\s*\"(\w+)\"\s*\)")


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
