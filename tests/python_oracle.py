"""What the Python reader must find in a file, computed from ``ast`` alone (the test oracle).

Written from SPEC §3 / §3.1 / §3.3 and ``readers/facts.py`` by walking the syntax tree that
CPython builds; nothing here uses the reader's scanning code. Shared with the reader: the guard
combinators (``conj``/``disj``/``neg``, the representation of facts) and the conversion of one
``if`` test node into a guard (``guard_of_test``).

Per reference: ``(kind, spec, line, flags, guard)``, with unknown guard atoms normalised to
``("u",)`` (the reader makes each unknown its own object; identity does not survive a
comparison) and nested conjunctions flattened. References are deduplicated by
``(spec, line)``, the first in source order winning, as facts are.

Semantics, precisely:

- ``python-import``: every ``import``/``from`` statement, at the statement's first line;
  ``from a import b`` gives ``a.b`` with ``F_FROM``, ``from . import x`` gives ``.x``,
  ``from a import *`` gives ``a``.
- ``python-dynamic``: a call of a name or attribute ``import_module``/``__import__`` whose first
  argument is a string constant (implicit concatenation included) that is a dotted name; a
  relative name only for ``import_module`` with a second argument (positional or ``package=``)
  that is a string constant (joined) or the name ``__package__`` (kept relative). Line: the line
  of the ``import_module``/``__import__`` word.
- ``python-attribute``: every maximal ``Name.attr.attr...`` chain (``ast.Attribute`` nodes down to
  an ``ast.Name``) whose name is bound by some import statement anywhere in the file: ``import
  a.b`` binds ``a`` to ``a``; ``import a.b as c`` binds ``c`` to ``a.b``; ``from a import b as c``
  binds ``c`` to ``a.b`` (relative heads kept). The spec is the bound name's target plus the
  attributes; a name bound to several targets gives one reference per target. Line: the name's.
  A chain reaches the module only where an import binding its name ran, so it also carries the
  OR of the guards of the imports that bind the name to that target (none when one of them is
  unconditional), and the optional and TYPE_CHECKING flags that all of them have.
- flags: ``F_FUNC`` inside the body of a ``def``/``async def`` (not its decorators, defaults or
  annotations); ``F_OPTIONAL`` inside the body of a ``try`` with a handler that is bare or names
  ``ImportError``, ``ModuleNotFoundError``, ``Exception`` or ``BaseException`` (as a name or the
  last part of a dotted name); ``F_TYPE_CHECKING`` inside the body of ``if TYPE_CHECKING:`` (or
  ``if x.y.TYPE_CHECKING:``). Flags are lexical: they accumulate through every enclosing block.
- guard: the ``if`` tests the reference sits under (the body of ``if T`` carries ``T``, its
  ``else``/``elif`` part ``not T``, so an ``elif`` test's own references carry the negation of
  every earlier test); a ``TYPE_CHECKING`` test contributes no guard. One test expression is
  converted by the reader's ``_convert`` (see ``guard_of_test``).
"""

from __future__ import annotations

import ast
import hashlib
import re
import sysconfig
import warnings
from pathlib import Path
from typing import Any

from scoped_modules.readers.facts import (
    F_FROM,
    F_FUNC,
    F_OPTIONAL,
    F_TYPE_CHECKING,
    K_PY_ATTR,
    K_PY_DYNAMIC,
    K_PY_IMPORT,
)
from scoped_modules.readers.guards import conj, disj, neg
from scoped_modules.readers.python import _convert, _is_type_checking, python_refs, read_python

Ref = tuple[str, str, int, int, Any]  # kind, spec, line, flags, guard

U = ("u",)
_HANDLER_NAMES = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_MODNAME = re.compile(r"(\.*)((?:[^\W\d]\w*(?:\.[^\W\d]\w*)*)?)")


def normalise(g: Any) -> Any:
    """A guard with every unknown atom replaced by the one value ``("u",)`` and nested
    conjunctions flattened (the reader shares the negations of a long ``elif`` chain as nested
    ``and`` chunks; the meaning is the same)."""
    if g is None:
        return None
    if g[0] == "u":
        return U
    if g[0] == "v":
        return g
    parts = [normalise(c) for c in g[1:]]
    if g[0] == "and":
        parts = [x for p in parts for x in (p[1:] if p[0] == "and" else (p,))]
    return (g[0], *parts)


# --- one test -> guard ------------------------------------------------------------------------


def guard_of_test(n: ast.AST) -> Any:
    """The guard of one ``if`` test, from its node in the whole file's tree.

    The conversion of one expression is the reader's own ``_convert`` (itself a walk of an
    ``ast`` node, checked against SPEC §3.3 by the table in ``test_python_reader``): what this
    oracle checks is which tests apply where, and the reader's lexical path to them (the test
    text it cuts out of the file, its shortcut for plain names, TYPE_CHECKING)."""
    return _convert(n)


def _catches_imports(t: ast.Try | Any) -> bool:
    for h in t.handlers:
        if h.type is None:
            return True
        for n in ast.walk(h.type):
            if (isinstance(n, ast.Name) and n.id in _HANDLER_NAMES) or (
                isinstance(n, ast.Attribute) and n.attr in _HANDLER_NAMES
            ):
                return True
    return False


# --- the walk ---------------------------------------------------------------------------------


class _Walk:
    def __init__(self) -> None:
        # (line, col, kind, spec, flags, guard), before deduplication
        self.found: list[tuple[int, int, str, str, int, Any]] = []
        # name -> target -> (guard, flags) of each import that binds it
        self.bindings: dict[str, dict[str, list[tuple[Any, int]]]] = {}
        self.chains: list[tuple[ast.Name, list[str], int, Any]] = []

    def bind(self, name: str, target: str, g: Any, f: int) -> None:
        self.bindings.setdefault(name, {}).setdefault(target, []).append((g, f))

    def visit(self, node: ast.AST, g: Any, f: int) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for d in node.decorator_list:
                self.visit(d, g, f)
            self.visit(node.args, g, f)
            if node.returns is not None:
                self.visit(node.returns, g, f)
            for s in node.body:
                self.visit(s, g, f | F_FUNC)
            return
        if isinstance(node, ast.If):
            self.visit(node.test, g, f)
            if _is_type_checking(node.test):
                body_g, body_f, else_g = g, f | F_TYPE_CHECKING, g
            else:
                t = guard_of_test(node.test)
                body_g, body_f, else_g = conj(g, t), f, conj(g, neg(t))
            for s in node.body:
                self.visit(s, body_g, body_f)
            for s in node.orelse:
                self.visit(s, else_g, f)
            return
        if isinstance(node, ast.Try | getattr(ast, "TryStar", ast.Try)):
            body_f = f | F_OPTIONAL if _catches_imports(node) else f
            for s in node.body:
                self.visit(s, g, body_f)
            for part in (node.handlers, node.orelse, node.finalbody):
                for s in part:
                    self.visit(s, g, f)
            return
        if isinstance(node, ast.Import):
            for a in node.names:
                self.found.append((node.lineno, node.col_offset, K_PY_IMPORT, a.name, f, g))
                if a.asname:
                    self.bind(a.asname, a.name, g, f)
                else:
                    top = a.name.split(".", 1)[0]
                    self.bind(top, top, g, f)
            return
        if isinstance(node, ast.ImportFrom):
            head = "." * node.level + (node.module or "")
            for a in node.names:
                if a.name == "*":
                    spec = head
                else:
                    spec = head + ("." if node.module else "") + a.name
                    self.bind(a.asname or a.name, spec, g, f | F_FROM)
                self.found.append((node.lineno, node.col_offset, K_PY_IMPORT, spec, f | F_FROM, g))
            return
        if isinstance(node, ast.Call):
            self.dynamic(node, g, f)
        if isinstance(node, ast.Attribute):
            attrs: list[str] = []
            v: ast.AST = node
            while isinstance(v, ast.Attribute):
                attrs.append(v.attr)
                v = v.value
            if isinstance(v, ast.Name):
                self.chains.append((v, attrs[::-1], f, g))
                return  # the inner attributes are parts of this chain
        for child in ast.iter_child_nodes(node):
            self.visit(child, g, f)

    def dynamic(self, call: ast.Call, g: Any, f: int) -> None:
        fn = call.func
        if isinstance(fn, ast.Name):
            name = fn.id
        elif isinstance(fn, ast.Attribute):
            name = fn.attr
        else:
            return
        if name not in ("import_module", "__import__") or not call.args:
            return
        first = call.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return
        text = first.value
        m = _MODNAME.fullmatch(text)
        if not text or m is None:
            return
        dots, rest = m.group(1), m.group(2)
        spec = text
        if dots:
            if name != "import_module":
                return
            if len(call.args) > 1:
                pk: ast.AST | None = call.args[1]
            else:
                pk = next((k.value for k in call.keywords if k.arg == "package"), None)
            if isinstance(pk, ast.Name) and pk.id == "__package__":
                spec = text
            elif isinstance(pk, ast.Constant) and isinstance(pk.value, str):
                pm = _MODNAME.fullmatch(pk.value)
                if not pk.value or pm is None or pm.group(1):
                    return
                bits = pk.value.rsplit(".", len(dots) - 1)
                if len(bits) < len(dots):
                    return
                spec = bits[0] + ("." + rest if rest else "")
            else:
                return
        line = fn.end_lineno or fn.lineno
        col = (fn.end_col_offset or 0) - len(name)
        self.found.append((line, col, K_PY_DYNAMIC, spec, f, g))


def expected_refs(source: str | bytes) -> list[Ref]:
    """The references of one file, in source order. Raises SyntaxError when ast cannot parse."""
    tree = ast.parse(source)
    w = _Walk()
    for s in tree.body:
        w.visit(s, None, 0)
    for name, attrs, f, g in w.chains:
        for target, sites in w.bindings.get(name.id, {}).items():
            spec = target + "." + ".".join(attrs)
            shared = F_OPTIONAL | F_TYPE_CHECKING
            for _g, site_f in sites:
                shared &= site_f
            through = disj(*(site_g for site_g, _f in sites))
            guard = g if through is None else conj(g, through)
            w.found.append((name.lineno, name.col_offset, K_PY_ATTR, spec, f | shared, guard))
    w.found.sort(key=lambda x: (x[0], x[1]))
    out: list[Ref] = []
    seen: set[tuple[str, int]] = set()
    for line, _col, kind, spec, f, g in w.found:
        if (spec, line) in seen:
            continue
        seen.add((spec, line))
        out.append((kind, spec, line, f, normalise(g)))
    return out


def reader_refs(facts_refs: list[tuple]) -> list[Ref]:
    """The reader's references in the oracle's shape."""
    return [(k, spec, line, flags, normalise(g)) for k, spec, line, _ev, g, flags in facts_refs]


def _some(name: str) -> bool:
    return len(name) % 2 == 0


def full_facts(text: str) -> tuple:
    """What the scan and the index read of a Python file together: ``read_python``'s facts with
    every attribute chain (``python_refs``), and the notes of both readings. Checks that they
    agree: the facts' references are ``python_refs``' without the chains (but for an import
    that an earlier chain with the same name on its line shadows), and the facts list the
    dotted name of every chain (the index reads a file again only for those names)."""
    facts = read_python(text)
    again, refs = python_refs(text)
    assert again[1::2] == facts[1::2]
    notes = again[2]
    chains = {(r[1], r[2]) for r in refs if r[0] == K_PY_ATTR}
    listed = set(facts[3].get("chains", ()))
    assert {spec for spec, _line in chains} <= listed, sorted({s for s, _ in chains} - listed)
    assert [r for r in facts[1] if (r[1], r[2]) not in chains] == [
        r for r in refs if r[0] != K_PY_ATTR
    ]
    # asked for some chains only (as the index asks), the same references without the others
    some = python_refs(text, _some)[1]
    assert some == [r for r in refs if r[0] != K_PY_ATTR or _some(r[1])]
    return ("py", refs, notes + [n for n in facts[2] if n not in notes], facts[3])


def differences(expected: list[Ref], got: list[Ref]) -> tuple[list[Ref], list[Ref]]:
    """(missing from got, extra in got), each in source order."""
    e, g = set(expected), set(got)
    return [r for r in expected if r not in g], [r for r in got if r not in e]


# --- the standard library as a corpus -----------------------------------------------------------


def stdlib_files() -> list[Path]:
    """Every ``.py`` file of the running interpreter's standard library (its tests included),
    without third-party packages, in a stable order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and p.is_file())


def sample(files: list[Path], k: int) -> list[Path]:
    """``k`` files chosen by a hash of their path below the library: the same on every
    machine and run, spread over the whole library."""
    root = Path(sysconfig.get_paths()["stdlib"])

    def key(p: Path) -> str:
        return hashlib.sha1(str(p.relative_to(root)).encode()).hexdigest()

    return sorted(sorted(files, key=key)[:k])


def check_file(path: Path) -> list[str]:
    """Every difference between the reader and ``ast`` on one file, as readable lines; a file
    that ``ast`` cannot parse is only read (it must not stop the reader)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    facts = full_facts(text)
    stopped = [m for _, m in facts[2] if "stopped early" in m]
    if stopped:
        return [f"{path}: {stopped[0]}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = expected_refs(data)
        except (SyntaxError, ValueError):
            return []
    missing, extra = differences(expected, reader_refs(facts[1]))
    out = [f"{path}: missing {r}" for r in missing] + [f"{path}: extra {r}" for r in extra]
    out += [f"{path}: note on a valid file: {line}: {m}" for line, m in facts[2]]
    return out
