"""Python dotted names of the scanned files, and import resolution (SPEC §3.1).

Built once from the list of scanned paths; every resolution afterwards is a few dict look-ups
(results are cached per base directory and name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..readers.facts import F_CIMPORT, PY_SUFFIXES


class _Ambiguous:
    __slots__ = ()

    def __repr__(self) -> str:
        return "AMBIGUOUS"

    def __bool__(self) -> bool:
        return False


AMBIGUOUS = _Ambiguous()
"""Returned by :meth:`PythonNames.resolve` when a name exists in several other bases."""

_NS = ""  # a namespace package: the name exists, no file
_RANK = {s: i for i, s in enumerate((".py", ".pyx", ".pyi", ".pxd"))}  # SPEC §3.1 rule 4
assert set(_RANK) == set(PY_SUFFIXES)
_PXD = _RANK[".pxd"]
_Result = str | None | _Ambiguous


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _norm_root(root: str) -> str:
    r = root.replace("\\", "/").strip()
    while r.startswith("./"):
        r = r[2:]
    r = r.strip("/")
    return "" if r == "." else r


class PythonNames:
    """Dotted names of Python files and resolution of import specs to files."""

    def __init__(self, files: Iterable[str], python_roots: Sequence[str] = ()) -> None:
        roots: list[str] = []
        for r in python_roots:
            n = _norm_root(r)
            if n not in roots:
                roots.append(n)
        self.roots = roots
        py: list[tuple[str, str, str, int]] = []  # (path, dir, file name, suffix rank)
        init_dirs: set[str] = set()
        for path in files:
            slash = path.rfind("/")
            name = path[slash + 1 :]
            rank = _RANK.get(_suffix(name))
            if rank is None:
                continue
            d = path[:slash] if slash >= 0 else ""
            if name == "__init__.py":
                init_dirs.add(d)
            py.append((path, d, name, rank))
        self._init_dirs = init_dirs
        self._base_memo: dict[str, str] = {}
        by_len = sorted(roots, key=len, reverse=True)  # the deepest declared root wins
        self._roots_by_len = by_len

        self._dotted: dict[str, str] = {}
        self._base: dict[str, str] = {}
        self._is_pkg: dict[str, bool] = {}
        # base -> name -> (rank, path); cimport ranks separately
        best: dict[str, dict[str, tuple[int, str]]] = {}
        best_c: dict[str, dict[str, tuple[int, str]]] = {}
        named: dict[str, list[str]] = {}
        ns_dirs: set[tuple[str, str]] = set()  # (base, dir) below a declared root, without __init__
        for path, d, name, rank in py:
            base = self._base_of_dir(d)
            rel = d[len(base) + 1 :] if base else d
            if base and d == base:
                rel = ""
            stem = name[: name.rfind(".")]
            is_pkg = stem == "__init__"
            if is_pkg:
                dotted = rel.replace("/", ".")
            else:
                dotted = (rel.replace("/", ".") + "." + stem) if rel else stem
            if not dotted:
                continue
            self._dotted[path] = dotted
            self._base[path] = base
            self._is_pkg[path] = is_pkg
            named.setdefault(dotted, []).append(path)
            score = (0 if is_pkg else 4) + rank
            table = best.setdefault(base, {})
            old = table.get(dotted)
            if old is None or score < old[0]:
                table[dotted] = (score, path)
            rc = (0 if rank == _PXD else 8) + score
            table_c = best_c.setdefault(base, {})
            old = table_c.get(dotted)
            if old is None or rc < old[0]:
                table_c[dotted] = (rc, path)
            if rel and base in roots:
                ns_dirs.add((base, rel))
        self._named = named
        self._tables: dict[str, dict[str, str]] = {}
        self._tables_c: dict[str, dict[str, str]] = {}
        for base, table in best.items():
            self._tables[base] = {k: v[1] for k, v in table.items()}
        for base, table in best_c.items():
            self._tables_c[base] = {k: v[1] for k, v in table.items()}
        # namespace packages: directories below a declared root without __init__.py
        seen: set[tuple[str, str]] = set()
        for base, rel in ns_dirs:
            while rel and (base, rel) not in seen:
                seen.add((base, rel))
                d = f"{base}/{rel}" if base else rel
                if d not in init_dirs:
                    dotted = rel.replace("/", ".")
                    for t in (self._tables, self._tables_c):
                        t.setdefault(base, {}).setdefault(dotted, _NS)
                slash = rel.rfind("/")
                rel = rel[:slash] if slash >= 0 else ""
        # top-level name -> bases where it exists
        tops: dict[str, list[str]] = {}
        for base, names_here in self._tables.items():
            for name in names_here:
                if "." not in name:
                    tops.setdefault(name, []).append(base)
        self._tops = tops
        self._cache: dict[tuple[str, str, bool], _Result] = {}

    # -- names
    def _base_of_dir(self, d: str) -> str:
        memo = self._base_memo
        hit = memo.get(d)
        if hit is not None:
            return hit
        for root in self._roots_by_len:
            if not root or d == root or d.startswith(root + "/"):
                memo[d] = root
                return root
        chain: list[str] = []
        cur = d
        while cur in self._init_dirs and cur:
            got = memo.get(cur)
            if got is not None:
                break
            chain.append(cur)
            slash = cur.rfind("/")
            cur = cur[:slash] if slash >= 0 else ""
        base = memo.get(cur)
        if base is None:
            base = cur  # the nearest ancestor without __init__.py (or the repository root)
        for c in chain:
            memo[c] = base
        memo[cur] = base
        memo[d] = base
        return base

    def dotted(self, path: str) -> str | None:
        """The dotted name of a Python file (``python/tvm/relax/expr.py`` -> ``tvm.relax.expr``)."""
        return self._dotted.get(path)

    def base(self, path: str) -> str | None:
        """The base directory of a Python file (``""`` is the repository root)."""
        return self._base.get(path)

    def files_named(self, dotted: str) -> list[str]:
        """Every Python file, in any base, whose dotted name is ``dotted``."""
        return sorted(self._named.get(dotted, ()))

    # -- resolution
    def _lookup(self, base: str, name: str, cim: bool) -> tuple[bool, str | None]:
        """The longest prefix of ``name`` that exists in ``base``: (exists, file or None)."""
        table = (self._tables_c if cim else self._tables).get(base)
        if table is None:
            return False, None
        while True:
            hit = table.get(name)
            if hit is not None:
                return True, (hit or None)
            dot = name.rfind(".")
            if dot < 0:
                return False, None
            name = name[:dot]

    def _absolute(self, base: str | None, name: str, cim: bool) -> _Result:
        key = (base or "", name, cim) if base is not None else ("\0", name, cim)
        cache = self._cache
        if key in cache:
            return cache[key]
        result: _Result = None
        done = False
        if base is not None:
            found, result = self._lookup(base, name, cim)
            done = found
        if not done:
            for root in self.roots:
                if root == base:
                    continue
                found, result = self._lookup(root, name, cim)
                if found:
                    done = True
                    break
        if not done:
            top = name.split(".", 1)[0]
            hits: list[str | None] = []
            for other in self._tops.get(top, ()):
                if other == base or other in self.roots:
                    continue
                found, file = self._lookup(other, name, cim)
                if found:
                    hits.append(file)
            if len(hits) == 1:
                result = hits[0]
            elif len(hits) > 1:
                result = AMBIGUOUS
            else:
                result = None
        cache[key] = result
        return result

    def resolve(self, spec: str, importer: str, flags: int = 0) -> _Result:
        """The file a reference ``spec`` made in ``importer`` needs, None (external, or no file)
        or :data:`AMBIGUOUS`."""
        cim = bool(flags & F_CIMPORT)
        if not spec.startswith("."):
            if not spec:
                return None
            return self._absolute(self._base.get(importer), spec, cim)
        name = self.absolute(spec, importer)
        if not name:
            return None
        found, file = self._lookup(self._base[importer], name, cim)
        return file if found else None

    def absolute(self, spec: str, importer: str) -> str | None:
        """The dotted name that ``spec`` written in ``importer`` means: itself when absolute;
        a relative one (``..b.c``) joined to the importer's package, None when that goes beyond
        the top-level package or the importer has no dotted name. A relative name can resolve
        only in the importer's base directory, to a file whose dotted name is a prefix of it."""
        if not spec.startswith("."):
            return spec
        dotted = self._dotted.get(importer)
        if dotted is None:
            return None
        level = len(spec) - len(spec.lstrip("."))
        rest = spec[level:]
        parts = dotted.split(".")
        if not self._is_pkg.get(importer, False):
            parts.pop()
        if level > len(parts):
            return None  # beyond the top-level package
        keep = parts[: len(parts) - level + 1]
        return ".".join(keep + [rest]) if rest else ".".join(keep)
