"""``scoped init``: a starting registry from what the repository holds (no modules)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..adapters.git import toplevel
from ..errors import ConfigError

_OPTION = re.compile(
    r"^\s*(?:option|cmake_dependent_option)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)", re.I | re.M
)
NOT_ROOTS = {
    "tests",
    "test",
    "docs",
    "doc",
    "benchmarks",
    "bench",
    "examples",
    "tools",
    "scripts",
    "ci",
}
SKIP_DIRS = {
    ".git",
    ".scoped_cache",
    ".venv",
    "venv",
    "node_modules",
    "build",
    "dist",
    "3rdparty",
    "third_party",
    "__pycache__",
}


def survey(root: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(python roots, include roots, CMake options as (name, file)) found below ``root``."""
    py_roots: set[str] = set()
    include_roots: list[str] = []
    options: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if os.path.basename(dirpath) == "include" and rel.count("/") <= 1:
            include_roots.append(rel)
        if "__init__.py" in filenames and not os.path.isfile(
            os.path.join(os.path.dirname(dirpath), "__init__.py")
        ):
            base = os.path.relpath(os.path.dirname(dirpath), root).replace(os.sep, "/")
            # a source root holds the top-level packages: `python/`, `src/`, `lib/`; test, doc and
            # tool trees are found anyway (SPEC §3.1) and only declared roots settle conflicts
            if base != "." and "/" not in base and base not in NOT_ROOTS:
                py_roots.add(base)
        for f in filenames:
            if f == "CMakeLists.txt" or f.endswith(".cmake"):
                try:
                    text = (Path(dirpath) / f).read_text("utf-8", errors="replace")
                except OSError:
                    continue
                for m in _OPTION.finditer(text):
                    options.append((m.group(1), f"{rel}/{f}".lstrip("/")))
    return sorted(py_roots), include_roots, options


def render_initial(
    name: str, py_roots: list[str], include_roots: list[str], options: list[tuple[str, str]]
) -> str:
    lines = [
        "# scoped-modules registry: declare scoped modules, their toggles, owners and decisions.",
        "# Reference: `scoped explain SM003` and the README.",
        "schema = 1",
        "",
        "[project]",
        f"name = {json.dumps(name)}",
        'rules = "tvm-s0"',
        f"python_roots = {json.dumps(py_roots)}",
        f"include_roots = {json.dumps(include_roots)}",
        "exclude = []",
        "",
        "# CMake options found; any of them can become a module's toggle:",
    ]
    seen = set()
    for opt, where in options:
        if opt not in seen:
            seen.add(opt)
            lines.append(f"#   {opt}  ({where})")
    if not options:
        lines.append("#   (none)")
    lines += [
        "",
        "# [[people.person]]",
        '# handle = "alice"',
        '# emails = ["alice@example.org"]',
        '# roles = [{ role = "committer", since = 2024-01-01 }]',
        "",
        "# [modules.example]",
        '# stage = "proposed"',
        '# paths = ["src/contrib/example/"]',
        '# toggles = [{ cmake = "USE_EXAMPLE" }]',
        "",
    ]
    return "\n".join(lines)


def write_initial_registry(cwd: Path, force: bool = False) -> Path:
    from ..registry.edit import atomic_write

    root = toplevel(cwd) or cwd
    target = root / "scoped.toml"
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists; edit it, or pass --force to start over")
    py_roots, include_roots, options = survey(root)
    text = render_initial(root.name, py_roots, include_roots, options)
    text += render_build_systems(root)
    old = target.read_text("utf-8") if target.exists() else None
    atomic_write(target, text, old)
    return target


# ------------------------------------------------------------------------------------------
# Build systems of the issue-12 readers: Maven, sbt, Meson, TableGen, SWIG


def _walk_files(root: Path) -> list[str]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        out += [f if rel == "." else f"{rel}/{f}" for f in sorted(filenames)]
    return out


def render_build_systems(root: Path, limit: int = 40) -> str:
    """Comment lines naming the Maven profiles, Meson options and sbt projects found (each can
    become a module's toggle or path) and the JVM source roots the build files declare."""
    from ..readers.facts import MESON_FILES, language_of
    from ..readers.jvm import read_scala
    from ..readers.maven import read_maven
    from ..readers.meson import read_meson
    from ..resolve.jvm import build_model

    files = _walk_files(root)

    def read(path: str) -> str:
        try:
            return (root / path).read_text("utf-8", errors="replace")
        except OSError:
            return ""

    maven = {p: read_maven(read(p)) for p in files if p.rsplit("/", 1)[-1] == "pom.xml"}
    sbt = {
        p: read_scala(read(p))
        for p in files
        if p.endswith(".sbt") or (p.endswith(".scala") and p.rsplit("/", 2)[-2:-1] == ["project"])
    }
    lines: list[str] = []

    def section(title: str, items: list[str], most: int = limit) -> None:
        if items:
            lines.append(f"# {title}")
            lines.extend(f"#   {item}" for item in items[:most])
            if len(items) > most:
                lines.append(f"#   ... and {len(items) - most} more")

    section(
        'Maven profiles (a toggle: `toggles = [{ maven_profile = "ID" }]`):',
        [f"{pid}  ({p})" for p, f in sorted(maven.items()) for pid, _line in f[3]["profiles"]],
    )
    section(
        "sbt projects (a module's paths can be a project's directory):",
        [f"{val}  ({p})" for p, f in sorted(sbt.items()) for val in f[3].get("sbt", {})],
    )
    if maven or sbt:
        dirs = {d for f in files for d in _parents(f)}
        model = build_model(maven, sbt, frozenset(files), dirs)
        section("JVM source roots declared by the build files:", sorted(model.roots), 10)
    options = [
        f"{name}  ({p})"
        for p in files
        if p.rsplit("/", 1)[-1] in MESON_FILES[1:]
        for name, _line, _type in read_meson(read(p))[3].get("options", ())
    ]
    section('Meson options (a toggle: `toggles = [{ meson = "NAME" }]`):', options)
    counts = {"td": 0, "swig": 0}
    for p in files:
        lang = language_of(p)
        if lang in counts:
            counts[lang] += 1
    section(
        "TableGen and SWIG files (their includes resolve against include_roots):",
        [
            f"{n} {what}"
            for what, n in (("TableGen .td", counts["td"]), ("SWIG .i/.swig", counts["swig"]))
            if n
        ],
    )
    return "\n".join(["", *lines, ""]) if lines else ""


def _parents(path: str) -> list[str]:
    out = []
    d = os.path.dirname(path)
    while d:
        out.append(d)
        d = os.path.dirname(d)
    return out
