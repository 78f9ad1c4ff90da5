"""Resolving JVM references: build units from Maven POMs and sbt definitions, their source
roots and dependencies, and Java/Scala/Kotlin names by package declaration.

Build units. Every ``pom.xml`` is one (its directory); every sbt project (``.sbt`` files and
``project/*.scala`` of a build) is one. Maven ``<module>`` lists form a tree from the POMs no
other POM lists; a unit reached only inside ``<profile>`` elements carries their guards (the OR
over every way of reaching it), and so does everything its POM says.

Source roots (where the compilers read sources; found from the build files, never guessed):
Maven: ``src/main/java``, ``src/test/java`` (or ``<sourceDirectory>``/``<testSourceDirectory>``),
``src/{main,test}/scala`` and ``src/{main,test}/kotlin`` (the defaults of the Scala and Kotlin
plugins), and plugin ``<source>`` entries (build-helper ``add-source``; properties substituted,
an unknown ``${…}`` matching any name). sbt: ``src/{main,test}/{scala,java}`` and the
version-specific ``src/{main,test}/scala-*`` of each project, and the build's ``project/``.
When the repository has no POM and no sbt definition, every JVM file is a source.

Names. A file's package is what its ``package`` clause says. ``a.b.C`` names the files of
package ``a.b`` that declare a top-level ``C`` (an import of a nested or static member names
its outer type's file); a wildcard names every file of the package (or the type's file).
Scala relative imports try the enclosing packages and earlier wildcard imports first, then
the absolute name: one answer is a reference, several are a note.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..readers.facts import (
    F_RELATIVE,
    F_SIMPLE,
    F_WILDCARD,
    K_BUILD_DEPENDENCY,
    K_BUILD_MODULE,
    K_JVM_IMPORT,
    K_JVM_NAME,
    FileFacts,
    RawRef,
)
from ..readers.guards import Guard, conj
from .includes import normalize
from .reach import reach_guards

_PROP = re.compile(r"\$\{([^}]*)\}")
# sbt-crossproject: CrossType.Pure (src/, .jvm/, .js/, .native/) and Full (shared/, jvm/, …)
_CROSS_LAYOUTS = ("", ".jvm", ".js", ".native", "shared", "jvm", "js", "native")
AMBIGUOUS = object()


# ------------------------------------------------------------------------------------------
# Build units


@dataclass
class BuildModel:
    # (file, raw reference, guard, target file or directory, target is a directory)
    refs: list[tuple[str, RawRef, Guard, str, bool]] = field(default_factory=list)
    # source root directory -> the build it belongs to (a Maven reactor's root POM, an sbt
    # build's directory): names resolve within one build only
    roots: dict[str, str] = field(default_factory=dict)
    root_globs: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    has_builds: bool = False
    # sbt project directory of each (build root, val)
    sbt_dirs: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[tuple[str, int, str]] = field(default_factory=list)

    def build_of(self, path: str) -> str | None:
        """The build whose source roots hold ``path``; None when no build compiles it."""
        if not self.has_builds:
            return ""
        d = posixpath.dirname(path)
        while True:
            build = self.roots.get(d)
            if build is not None:
                return build
            if not d:
                break
            d = posixpath.dirname(d)
        for rx, build in self.root_globs:
            if rx.match(path):
                return build
        return None


def _sbt_root(path: str) -> str | None:
    """The build root of an sbt definition file, or None for an ordinary source."""
    if path.endswith(".sbt"):
        return posixpath.dirname(path)
    d = posixpath.dirname(path)
    if posixpath.basename(d) == "project" and path.endswith(".scala"):
        return posixpath.dirname(d)
    return None


class _Poms:
    def __init__(self, poms: dict[str, FileFacts]) -> None:
        self.poms = poms
        self.by_dir = {posixpath.dirname(p): p for p in poms}

    def parent_of(self, pom: str) -> str | None:
        parent = self.poms[pom][3].get("parent")
        base = posixpath.dirname(pom)
        rel = parent[2] if parent and parent[2] is not None else "../pom.xml"
        if not parent or not rel:
            return None
        cand = normalize(f"{base}/{rel}" if base else rel)
        if cand is not None and cand not in self.poms:
            cand = normalize(f"{cand}/pom.xml")
        return cand if cand in self.poms and cand != pom else None

    def properties(self, pom: str) -> dict[str, str]:
        props: dict[str, str] = {}
        seen: set[str] = set()
        cur: str | None = pom
        while cur is not None and cur not in seen:
            seen.add(cur)
            extra = self.poms[cur][3]
            for k, v in extra.get("properties", {}).items():
                props.setdefault(k, v)
            g, a, _p = extra.get("coords", (None, None, None))
            prefix = "project." if cur == pom else "project.parent."
            if g:
                props.setdefault(prefix + "groupId", g)
            if a:
                props.setdefault(prefix + "artifactId", a)
            cur = self.parent_of(cur)
        return props

    def group(self, pom: str) -> str | None:
        extra = self.poms[pom][3]
        g = extra.get("coords", (None,))[0]
        if g:
            return g
        parent = extra.get("parent")
        return parent[0] if parent else None


def _subst(text: str, props: dict[str, str]) -> str:
    for _ in range(5):
        new = _PROP.sub(lambda m: props.get(m.group(1), m.group(0)), text)
        if new == text:
            break
        text = new
    return text


def build_model(
    maven: dict[str, FileFacts],
    scala: dict[str, FileFacts],
    files: frozenset[str],
    dirs: set[str],
) -> BuildModel:
    model = BuildModel()
    sbt_files = {p: f for p, f in scala.items() if _sbt_root(p) is not None and "sbt" in f[3]}
    model.has_builds = bool(maven or sbt_files)
    poms = _Poms(maven)
    reach, origin = _maven_reach(maven, files, dirs, model)
    # artifactId (as written, and with the POM's own properties) -> (group, pom, own value)
    artifacts: dict[str, list[tuple[str | None, str, str]]] = {}
    for pom, f in maven.items():
        props = poms.properties(pom)
        a = f[3].get("coords", (None, None))[1]
        if a:
            own = _subst(a, props)
            for name in {a, own}:
                artifacts.setdefault(name, []).append((poms.group(pom), pom, own))
    roots: dict[str, str] = {}
    for pom, f in maven.items():
        base = posixpath.dirname(pom)
        props = poms.properties(pom)
        _maven_roots(base, f, props, roots, model, origin.get(pom, pom))
        g0 = reach.get(pom)
        for raw in f[1]:
            guard = conj(g0, raw[4])
            if raw[0] == K_BUILD_MODULE:
                target = _module_pom(base, raw[1], files)
                if target:
                    model.refs.append((pom, raw, guard, target, False))
            elif raw[1].startswith("dep:"):
                _g, _sep, art = raw[1][4:].partition(":")
                group = _subst(_g, props) if _g else None
                wanted = _subst(art, props)
                hits = artifacts.get(art) or artifacts.get(wanted) or []
                if "${" not in wanted and any(own == wanted for _g, _p, own in hits):
                    hits = [h for h in hits if h[2] == wanted]  # e.g. the right Scala version
                for hit_group, hit, _own in hits:  # several: the index judges them together
                    if hit != pom and (
                        not group or not hit_group or group == hit_group or "${" in group
                    ):
                        model.refs.append((pom, raw, guard, hit, False))
            elif raw[1].startswith("parent:"):
                parent = poms.parent_of(pom)
                if parent:
                    model.refs.append((pom, raw, guard, parent, False))
    for path, f in sbt_files.items():
        root = _sbt_root(path) or ""
        build = "sbt:" + _sbt_build(root, files)
        roots.setdefault(posixpath.join(root, "project") if root else "project", build)
        for val, (directory, _line) in f[3]["sbt"].items():
            d = (
                normalize(posixpath.join(root, directory) if root else directory)
                if directory
                else None
            )
            if d is None and directory in (".", "./"):
                d = root
            if d is not None:
                model.sbt_dirs[(root, val)] = d
                layouts = _CROSS_LAYOUTS if val in f[3].get("sbt_cross", ()) else ("",)
                for layout in layouts:
                    for kind in ("main", "test"):
                        prefix = "/".join(x for x in (d, layout, "src", kind) if x)
                        for lang in ("scala", "java"):
                            roots.setdefault(f"{prefix}/{lang}", build)
                        rx = re.compile(re.escape(prefix) + r"/scala-[^/]+/")
                        model.root_globs.append((rx, build))
    for path, f in sbt_files.items():
        root = _sbt_root(path) or ""
        for raw in f[1]:
            if raw[0] not in (K_BUILD_DEPENDENCY, K_BUILD_MODULE) or ">" not in raw[1]:
                continue
            src, _sep, dst = raw[1].partition(">")
            target = model.sbt_dirs.get((root, dst))
            if target is not None and target in dirs:
                model.refs.append((path, raw, raw[4], target, True))
    model.roots = {r: b for r, b in roots.items() if r in dirs}
    return model


def _sbt_build(root: str, files: frozenset[str]) -> str:
    """The sbt build a definition file at ``root`` belongs to: the nearest directory at or
    above it with ``project/build.properties`` (a `.sbt` file in a project's directory adds to
    the enclosing build; a nested build has its own), else ``root``."""
    d = root
    while True:
        if posixpath.join(d, "project/build.properties") in files or (
            not d and "project/build.properties" in files
        ):
            return d
        if not d:
            return root
        d = posixpath.dirname(d)


def _module_pom(base: str, spec: str, files: frozenset[str]) -> str | None:
    cand = normalize(f"{base}/{spec}" if base else spec)
    if cand is None:
        return None
    if cand in files and cand.endswith(".xml"):
        return cand
    pom = f"{cand}/pom.xml" if cand else "pom.xml"
    return pom if pom in files else None


def _maven_reach(
    maven: dict[str, FileFacts], files: frozenset[str], dirs: set[str], model: BuildModel
) -> tuple[dict[str, Guard], dict[str, str]]:
    """(the guard of each POM: OR over the `<module>` entries that reach it, roots None;
    the root POM of the reactor each POM belongs to)."""
    children: dict[str, list[tuple[str, Guard]]] = {}
    listed: set[str] = set()
    for pom, f in maven.items():
        base = posixpath.dirname(pom)
        for raw in f[1]:
            if raw[0] == K_BUILD_MODULE:
                target = _module_pom(base, raw[1], files)
                if target and target in maven and target != pom:
                    children.setdefault(pom, []).append((target, raw[4]))
                    listed.add(target)
                elif target is None:
                    model.notes.append((pom, raw[2], f"<module>{raw[1]}</module> names no pom.xml"))
    roots = sorted(p for p in maven if p not in listed)
    origin: dict[str, str] = {}
    for root in roots:
        todo = [root]
        while todo:
            cur = todo.pop()
            if cur not in origin:
                origin[cur] = root
                todo.extend(child for child, _g in children.get(cur, ()))
    return reach_guards(roots, children), origin


def _maven_roots(
    base: str,
    f: FileFacts,
    props: dict[str, str],
    roots: dict[str, str],
    model: BuildModel,
    build: str,
) -> None:
    declared = f[3].get("source_dirs", [])
    defaults = [
        f"src/{kind}/{lang}" for kind in ("main", "test") for lang in ("java", "scala", "kotlin")
    ]
    for rel in [*defaults, *declared]:
        rel = _subst(rel, {**props, "project.basedir": "", "basedir": ""}).lstrip("/")
        if "${" in rel:  # a property we cannot know: any one directory name
            body = "[^/]*".join(re.escape(part) for part in _PROP.split(rel)[::2])
            prefix = re.escape(base + "/") if base else ""
            model.root_globs.append((re.compile(prefix + body + "/"), build))
            continue
        full = normalize(posixpath.join(base, rel) if base else rel)
        if full is not None:
            roots.setdefault(full, build)


# ------------------------------------------------------------------------------------------
# Names


class JvmNames:
    """Declarations by package: (package, name) -> files; package -> files."""

    def __init__(self, facts: dict[str, FileFacts]) -> None:
        self.decl: dict[tuple[str, str], list[str]] = {}
        self.pkg_files: dict[str, list[str]] = {}
        for path in sorted(facts):
            extra = facts[path][3]
            pkg = extra.get("package", "")
            self.pkg_files.setdefault(pkg, []).append(path)
            for name in (*extra.get("types", ()), *extra.get("members", ())):
                self.decl.setdefault((pkg, name), []).append(path)
            for obj in extra.get("pkg_objects", ()):
                sub = f"{pkg}.{obj}" if pkg else obj
                self.pkg_files.setdefault(sub, []).append(path)
                self.decl.setdefault((pkg, obj), []).append(path)

    def lookup(self, dotted: str, wildcard: bool) -> tuple[str, list[str]] | None:
        """(the package or type matched, its files) for an absolute dotted name."""
        if wildcard:
            files = self.pkg_files.get(dotted)
            if files:
                return dotted, files
        parts = dotted.split(".")
        for k in range(len(parts) - 1, 0, -1):
            pkg = ".".join(parts[:k])
            hit = self.decl.get((pkg, parts[k]))
            if hit:
                return f"{pkg}.{parts[k]}", hit
        return None

    def resolve(
        self, spec: str, flags: int, scopes: list[str], wilds: list[str]
    ) -> tuple[str, list[str]] | object | None:
        """An import or name: (absolute name, files), ``AMBIGUOUS`` or None (external)."""
        wildcard = bool(flags & F_WILDCARD)
        first = spec.split(".", 1)[0]
        prefixes: list[str] = []  # what the spec may be relative to ("" = absolute)
        if flags & F_RELATIVE:
            prefixes += [p for p in reversed(scopes) if p]
            prefixes += wilds
        prefixes.append("")
        found: dict[tuple[str, ...], tuple[str, list[str]]] = {}
        for prefix in prefixes:
            hit = self.lookup(f"{prefix}.{spec}" if prefix else spec, wildcard)
            # a relative candidate must resolve through its first name, not fall back into the
            # scope itself (`algebra.laws` + `cats.kernel` is no `algebra.laws` member)
            needed = f"{prefix}.{first}" if prefix else first
            if hit is not None and (hit[0] == needed or hit[0].startswith(needed + ".")):
                found.setdefault(tuple(hit[1]), hit)
        if not found:
            return None
        if len(found) > 1:
            return AMBIGUOUS
        return next(iter(found.values()))

    def simple(self, name: str, packages: list[str]) -> list[str] | None:
        """The files declaring ``name`` in exactly one of ``packages`` (else None)."""
        hits = [self.decl[(p, name)] for p in dict.fromkeys(packages) if (p, name) in self.decl]
        return hits[0] if len(hits) == 1 else None


def resolve_names(
    sources: dict[str, FileFacts],
    owner: dict[str, tuple[str, ...]],
    emit: Callable[[str, RawRef, str], None],
    notes: list[tuple[str, int, str]],
) -> None:
    """The imports and names of one build's sources: ``emit(file, raw, target)`` for each
    reference that lands in a module or starts in one (``owner``: file -> its modules)."""
    names = JvmNames(sources)
    # what can land in a module: its packages, and the simple names it declares
    mod_pkgs: set[str] = set()
    mod_simple: set[str] = set()
    for path in sources:
        if path in owner:
            extra = sources[path][3]
            pkg = extra.get("package", "")
            mod_pkgs.add(pkg)
            mod_pkgs.update(f"{pkg}.{o}" if pkg else o for o in extra.get("pkg_objects", ()))
            mod_simple.update(extra.get("types", ()))
            mod_simple.update(extra.get("members", ()))

    def may_reach(spec: str) -> bool:
        dot = spec.find(".")
        while dot > 0:
            if spec[:dot] in mod_pkgs:
                return True
            dot = spec.find(".", dot + 1)
        return spec in mod_pkgs

    def targets(files: list[str], from_core: bool) -> list[str]:
        """One declaring file per module (and core); none for a core file when core declares
        the name too (deleting the module would leave it)."""
        by_module: dict[str | None, str] = {}
        for f in files:
            by_module.setdefault((owner.get(f) or (None,))[0], f)
        if from_core and None in by_module:
            return []
        return list(by_module.values())

    for path, (_lang, refs, _notes, extra) in sources.items():
        core = path not in owner
        scopes: list[str] = extra.get("scopes", [])
        wilds: list[str] = []
        for raw in refs:
            kind, spec, line, _ev, _g, flags = raw
            if kind not in (K_JVM_IMPORT, K_JVM_NAME):
                continue
            if core and not flags & (F_RELATIVE | F_WILDCARD) and not may_reach(spec):
                continue
            hit = names.resolve(spec, flags, scopes, wilds)
            if hit is AMBIGUOUS:
                notes.append(
                    (
                        path,
                        line,
                        f"'{spec}' could name several declarations (a relative Scala import); "
                        "not counted as a reference",
                    )
                )
                continue
            if not isinstance(hit, tuple):
                if flags & F_WILDCARD:
                    wilds.append(spec)
                continue
            absolute, files = hit
            if flags & F_WILDCARD and absolute in names.pkg_files:
                wilds.append(absolute)
                if len({(owner.get(f) or (None,))[0] for f in files}) > 1:
                    # `import cats.*` of a package that core (or several modules) fill too:
                    # deleting one module leaves the package; a name used from it is a
                    # simple-name reference of its own (below)
                    continue
            for target in targets(files, core):
                emit(path, raw, target)
        packages = [*scopes, *wilds]
        for name, line in extra.get("names", {}).items():
            if name not in mod_simple:
                continue  # lands in no module
            for target in targets(names.simple(name, packages) or [], core):
                pkg = sources[target][3].get("package", "")
                evidence = f"{name} (simple name: {pkg}.{name})"
                emit(path, (K_JVM_NAME, name, line, evidence, None, F_SIMPLE), target)
