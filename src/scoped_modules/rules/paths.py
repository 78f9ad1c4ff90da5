"""Namespace rules: SM001 missing-path, SM002 overlapping-paths, SM004 stray-file.

"Clearly isolated in its own namespace."
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..index import Index
from ..registry.model import Module
from . import process
from .base import Finding, Rule, RuleContext, severity
from .page import UMA_PATH, RuleDoc, registry, snippet


def _registry_finding(
    index: Index,
    rule: str,
    level: str,
    module: Module,
    key: str,
    message: str,
    hint: str,
    evidence: str | None = None,
) -> Finding:
    _file, line, _col = module.loc(key)
    return Finding(
        rule,
        level,
        module.name,
        index.registry.rel_path,
        line or None,
        message,
        hint,
        evidence=evidence,
    )


def check_missing_paths(index: Index, module: Module) -> list[Finding]:
    """SM001: a declared path matches no scanned file."""
    level = severity("SM001", module.stage)
    if not level:
        return []
    out = []
    for entry in module.paths:
        if not index.membership.entry_files.get((module.name, entry)):
            out.append(
                _registry_finding(
                    index,
                    "SM001",
                    level,
                    module,
                    "paths",
                    f"path '{entry}' of module '{module.name}' matches no file",
                    "fix the path, add the files, or remove the entry (excluded and ignored files do not count)",
                    evidence=entry,
                )
            )
    return out


def check_overlaps(index: Index, modules: list[Module]) -> list[Finding]:
    """SM002: two modules claim the same files; one finding per module pair and entry."""
    owner = index.membership.owner
    out = []
    for m in modules:
        level = severity("SM002", m.stage)
        if not level:
            continue
        for entry in m.paths:
            shared: dict[str, list[str]] = {}
            for f in index.membership.entry_files.get((m.name, entry), ()):
                for other in owner.get(f, ()):
                    if other != m.name:
                        shared.setdefault(other, []).append(f)
            for other, files in sorted(shared.items()):
                if other < m.name and severity("SM002", index.registry.modules[other].stage):
                    continue  # reported once per pair, by the module whose name sorts first
                files.sort()
                examples = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
                out.append(
                    _registry_finding(
                        index,
                        "SM002",
                        level,
                        m,
                        "paths",
                        f"path '{entry}' of module '{m.name}' claims {len(files)} file(s) that module "
                        f"'{other}' also claims: {examples}",
                        "give every file to exactly one module: narrow one of the paths",
                        evidence=entry,
                    )
                )
    return out


def _norm(name: str) -> str:
    return name.replace("-", "_").lower()


# Directory words that name a language, a kind of content or a layout role rather than a component:
# a module called `python`, `examples` or `integration` shares its name with directories of every
# part of a large repository (zeppelin: 69 `src/main/java` for a module `java`; faiss:
# `tutorial/python/` for its `faiss/python/` bindings). Only strays next to the module's own
# directory count for these names (see check_stray_files).
_COMMON_WORDS = """
    c cc cpp cxx c++ go golang java javascript js jvm kotlin lua node objc perl php py python
    python3 r ruby rust scala sh shell bash swift ts typescript html css
    api app apps asset assets bench benchmark benchmarks benchs bin build ci cli client cmake common
    compat conf config configs contrib core data debug demo demos deps dev dist doc docs
    documentation example examples experimental ext extension extensions extern external file files
    fixtures gen generated include includes integration integrations interface interfaces internal
    io legacy lib libs main misc mock mocks plugin plugins proto protos resources sample samples
    schema script scripts server source sources src static stubs support templates test testing
    tests third_party thirdparty tmp tool tools tutorial tutorials types ui unittest unittests util
    utils vendor
"""
COMMON_NAMES = frozenset(_norm(w) for w in _COMMON_WORDS.split())


def _anchor_parents(module: Module) -> set[str]:
    """Names of the parent directories of the module's declared paths that are named like it
    (`''` for the repository root): where a stray of a common name must lie to count."""
    out = set()
    for entry in module.paths:
        parts = entry.rstrip("/").split("/")
        if any(c in entry for c in "*?[") or not parts[-1]:
            continue
        if _norm(_stem(parts[-1])) == _norm(module.name):
            out.add(parts[-2] if len(parts) > 1 else "")
    return out


def _stem(name: str) -> str:
    return name if name.startswith(".") else name.split(".", 1)[0]


def check_stray_files(index: Index, modules: list[Module]) -> list[Finding]:
    """SM004: a file outside the module whose path component or file stem equals the module name.

    Files below a stray directory are reported once, at the directory, with their count; stray
    files of one directory once, at the first, with the others named. A module whose name is a
    common directory word (:data:`COMMON_NAMES`) only counts strays whose parent directory has
    the name of the parent of one of its declared paths named like it (`faiss/python/` and
    `contrib/faiss/python.py`), and none if no declared path is named like it.
    """
    wanted: dict[str, list[Module]] = {}
    anchors: dict[str, set[str] | None] = {}  # None: any place counts
    for m in modules:
        if severity("SM004", m.stage):
            wanted.setdefault(_norm(m.name), []).append(m)
            anchors[m.name] = _anchor_parents(m) if _norm(m.name) in COMMON_NAMES else None
    if not wanted:
        return []
    owner = index.membership.owner
    reg = index.registry
    # files the registry itself names (vote evidence such as votes/uma.mbox, the roster) are
    # governance records about the module, not code that escaped its namespace
    named = {reg.rel_path, *(reg.people_file or "",)}
    named.update(e.path for m in reg.modules.values() for d in m.decisions for e in d.evidence)

    def placed(mname: str, parts: list[str], i: int) -> bool:
        """Whether component i of parts, named like module mname, lies where a stray counts."""
        where = anchors[mname]
        return where is None or (parts[i - 1] if i else "") in where

    dir_hits: dict[tuple[str, str], list[str]] = {}
    file_hits: dict[tuple[str, str], list[str]] = {}  # (module, directory) -> files
    for f in index.files:
        if f in named:
            continue
        parts = f.split("/")
        owned = owner.get(f, ())
        for i, part in enumerate(parts[:-1]):
            for m in wanted.get(_norm(part), ()):
                if m.name not in owned and placed(m.name, parts, i):
                    dir_hits.setdefault((m.name, "/".join(parts[: i + 1]) + "/"), []).append(f)
        for m in wanted.get(_norm(_stem(parts[-1])), ()):
            if (
                m.name not in owned
                and placed(m.name, parts, len(parts) - 1)
                and not any(f.startswith(d) for (mn, d) in dir_hits if mn == m.name)
            ):
                file_hits.setdefault((m.name, posixpath.dirname(f)), []).append(f)

    def stray(mname: str, path: str, what: str) -> Finding:
        return Finding(
            "SM004",
            severity("SM004", index.registry.modules[mname].stage) or "warning",
            mname,
            path,
            None,
            f"{what} like module '{mname}' but {'lie' if what.endswith('are named') else 'lies'} "
            "outside its paths",
            f"move it under the module's paths or add it to modules.{mname}.paths",
            evidence=path,
        )

    out = []
    reported_dirs: dict[str, list[str]] = {}
    for (mname, d), files in sorted(dir_hits.items()):
        if any(d.startswith(p) and d != p for p in reported_dirs.get(mname, ())):
            continue  # a parent directory was already reported
        reported_dirs.setdefault(mname, []).append(d)
        out.append(stray(mname, d.rstrip("/"), f"directory '{d}' ({len(files)} file(s)) is named"))
    for (mname, _d), files in sorted(file_hits.items()):
        files.sort()
        first, *more = (posixpath.basename(f) for f in files)
        what = f"file '{first}' is named"
        if more:
            what = f"files '{first}' and {', '.join(more)} are named"
        out.append(stray(mname, files[0], what))
    return out


class MissingPath(Rule):
    id = "SM001"
    doc = RuleDoc(
        summary="A path declared by a module matches no file.",
        what=(
            "Reports each entry of a module's `paths` that matches no scanned file (files "
            "excluded by `project.exclude` do not count)."
        ),
        quotes=(process.ISOLATED,),
        why=(
            "A module's namespace is what every other rule checks. An entry that names nothing "
            "is usually a typo or a move the registry did not follow, and then the module's real "
            "files are core as far as `scoped` can tell: references into them are not reported, "
            "and removing the module would leave them behind."
        ),
        severity_notes=(
            "A proposed module only gets a warning: a proposal may be written before its code."
        ),
        fix=(
            "Correct the entry to where the module's files are, or delete it. An entry ending "
            "in `/` is a directory; an entry with `*`, `?` or `[` is a pattern anchored at the "
            "repository root."
        ),
        example=(
            registry(),
            snippet("python/tvm/relay/backend/contrib/uma/api.py", '"""The UMA backend API."""'),
        ),
        use_instead=(registry(paths=("python/tvm/relay/backend/contrib/uma/",)),),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in ctx.modules:
            yield from check_missing_paths(ctx.index, m)


_GRAPH = '[modules.graph]\nstage = "s0"\npaths = ["{}"]'


class OverlappingPaths(Rule):
    id = "SM002"
    doc = RuleDoc(
        summary="Two modules claim the same files.",
        what=(
            "Reports files matched by the `paths` of two modules: one finding per pair of "
            "modules and entry, with the number of shared files and a few examples."
        ),
        quotes=(process.ISOLATED, process.DEPRECATE),
        why=(
            "A file in two namespaces belongs to neither: its owners, stage and toggle are "
            "ambiguous, and removing one module would delete files the other one still needs."
        ),
        fix=(
            "Narrow one of the entries so that every file belongs to exactly one module. Code "
            "both modules need belongs to core or to one of them, which the other then "
            "references."
        ),
        example=(
            registry(head=_GRAPH.format("python/tvm/contrib/")),
            snippet("python/tvm/contrib/graph/runtime.py", '"""The graph runtime."""'),
            snippet("python/tvm/contrib/uma/api.py", '"""The UMA backend API."""'),
        ),
        use_instead=(registry(head=_GRAPH.format("python/tvm/contrib/graph/")),),
    )

    def check(self, ctx: RuleContext) -> list[Finding]:
        return check_overlaps(ctx.index, ctx.modules)


class StrayFile(Rule):
    id = "SM004"
    doc = RuleDoc(
        summary="A file outside the module carries the module's name.",
        what=(
            "Reports a file outside the module with a path component or a file stem equal to "
            "the module's name (`-` and `_` count as the same character, and case does not "
            "count). A stray directory is reported once, with the number of its files, and "
            "the stray files of one directory once, naming them all.\n\n"
            "A module named by a common directory word (a language such as `python` or "
            "`java`, or a kind of content such as `examples`, `integration`, `tests`, `docs`, "
            "`tools`: the list is `COMMON_NAMES` in `rules/paths.py`) shares its name with "
            "directories all over a large repository, most of them unrelated: every Maven "
            "project has a `src/main/java/`. For such a module only a stray beside one of "
            "its declared paths named like it counts: a file or directory whose parent "
            "directory has the same name as that path's parent (for `faiss/python/`, "
            "`faiss/python.cmake` or `contrib/faiss/python/`, not `tutorial/python/`). A "
            "module of a common name none of whose paths is named like it (`examples` with "
            "`zeppelin-examples/`) gets no SM004."
        ),
        quotes=(process.ISOLATED, process.CONTAINED),
        why=(
            "Such a file is usually module code that landed outside the namespace: it escapes "
            "every other rule, and removing the module would leave it behind."
        ),
        fix=(
            "Move the file into one of the module's paths, or add its directory to `paths`. If "
            "the name is a coincidence, the warning can stay: it never fails `scoped check` "
            "without `--strict`; listing SM004 in the module's `ignore` silences it for good."
        ),
        example=(
            registry(),
            snippet("python/tvm/contrib/uma/api.py", '"""The UMA backend API."""'),
            snippet("src/relay/backend/contrib/uma/codegen.cc", '#include "tvm/ir/module.h"'),
        ),
        use_instead=(registry(paths=(UMA_PATH, "src/relay/backend/contrib/uma/")),),
    )

    def check(self, ctx: RuleContext) -> list[Finding]:
        return check_stray_files(ctx.index, ctx.modules)
