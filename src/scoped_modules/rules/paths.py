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


def check_stray_files(index: Index, modules: list[Module]) -> list[Finding]:
    """SM004: a file outside the module whose path component or file stem equals the module name.

    Files below a stray directory are reported once, at the directory, with their count.
    """
    wanted: dict[str, list[Module]] = {}
    for m in modules:
        if severity("SM004", m.stage):
            wanted.setdefault(_norm(m.name), []).append(m)
    if not wanted:
        return []
    owner = index.membership.owner
    reg = index.registry
    # files the registry itself names (vote evidence such as votes/uma.mbox, the roster) are
    # governance records about the module, not code that escaped its namespace
    named = {reg.rel_path, *(reg.people_file or "",)}
    named.update(e.path for m in reg.modules.values() for d in m.decisions for e in d.evidence)
    dir_hits: dict[tuple[str, str], list[str]] = {}
    file_hits: list[tuple[str, str]] = []
    for f in index.files:
        if f in named:
            continue
        parts = f.split("/")
        owned = owner.get(f, ())
        for i, part in enumerate(parts[:-1]):
            for m in wanted.get(_norm(part), ()):
                if m.name not in owned:
                    dir_hits.setdefault((m.name, "/".join(parts[: i + 1]) + "/"), []).append(f)
        stem = parts[-1].split(".", 1)[0] if not parts[-1].startswith(".") else parts[-1]
        for m in wanted.get(_norm(stem), ()):
            if m.name not in owned and not any(
                f.startswith(d) for (mn, d) in dir_hits if mn == m.name
            ):
                file_hits.append((m.name, f))

    def stray(mname: str, path: str, what: str) -> Finding:
        return Finding(
            "SM004",
            severity("SM004", index.registry.modules[mname].stage) or "warning",
            mname,
            path,
            None,
            f"{what} is named like module '{mname}' but lies outside its paths",
            f"move it under the module's paths or add it to modules.{mname}.paths",
            evidence=path,
        )

    out = []
    reported_dirs: dict[str, list[str]] = {}
    for (mname, d), files in sorted(dir_hits.items()):
        if any(d.startswith(p) and d != p for p in reported_dirs.get(mname, ())):
            continue  # a parent directory was already reported
        reported_dirs.setdefault(mname, []).append(d)
        out.append(stray(mname, d.rstrip("/"), f"directory '{d}' ({len(files)} file(s))"))
    for mname, f in sorted(file_hits):
        out.append(stray(mname, f, f"file '{posixpath.basename(f)}'"))
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
            "the module's name (`-` and `_` count as the same character)."
        ),
        quotes=(process.ISOLATED, process.CONTAINED),
        why=(
            "Such a file is usually module code that landed outside the namespace: it escapes "
            "every other rule, and removing the module would leave it behind."
        ),
        fix=(
            "Move the file into one of the module's paths, or add its directory to `paths`. If "
            "the name is a coincidence, the warning can stay: it never fails `scoped check` "
            "without `--strict`."
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
