"""``scoped init``: a starting registry from what the repository holds (no modules).

What is declared is written as settings, each with a comment naming where it was found: Python
roots from the packaging metadata (``pyproject.toml``, ``setup.cfg``, ``setup.py``), CMake option
wrapper commands (a ``function``/``macro`` whose body calls ``option()``). What is inferred is
written as a commented-out line to accept or delete: include roots (from ``include_directories``
and ``target_include_directories``, and from the ``#include`` forms the sources use) and
configuration templates (a CMake file that sets most of the options). The options found are
listed grouped by prefix.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import posixpath
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..adapters.git import toplevel
from ..errors import ConfigError
from ..readers.cmake import blank_comments_cmake
from ..readers.facts import CPP_SUFFIXES

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
    "thirdparty",
    "external",
    "vendor",
    "__pycache__",
}
BUILTIN_OPTION_COMMANDS = ("option", "cmake_dependent_option")
_WRAPPER = re.compile(
    r"^[ \t]*(function|macro)[ \t]*\([ \t]*([A-Za-z_][A-Za-z0-9_]*)(.*?)^[ \t]*end(?:function|macro)[ \t]*\(",
    re.M | re.S | re.I,
)
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)
_SOURCE_DIR_VARS = ("${PROJECT_SOURCE_DIR}", "${CMAKE_SOURCE_DIR}", "${CMAKE_HOME_DIRECTORY}")
_HERE_VARS = ("${CMAKE_CURRENT_SOURCE_DIR}", "${CMAKE_CURRENT_LIST_DIR}")
MAX_CPP_FILES = 20_000  # include forms are sampled from at most this many sources
WIDTH = 98


@dataclass
class Survey:
    python_roots: list[tuple[str, str]] = field(default_factory=list)  # (root, where declared)
    python_guesses: list[str] = field(default_factory=list)  # top-level dirs holding packages
    include_roots: list[tuple[str, str]] = field(default_factory=list)  # (root, why)
    option_commands: list[tuple[str, str]] = field(default_factory=list)  # (command, file)
    options: list[tuple[str, str]] = field(default_factory=list)  # (name, file)
    config_templates: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def _cmake_call_args(text: str, command: str) -> list[list[str]]:
    """The arguments of every call of ``command`` in comment-free CMake ``text`` (plain split)."""
    out = []
    pattern = re.compile(rf"^[ \t]*{re.escape(command)}[ \t]*\(([^()]*)\)", re.M | re.I)
    for m in pattern.finditer(text):
        out.append([a.strip('"') for a in re.findall(r'"[^"]*"|[^\s"]+', m.group(1))])
    return out


def _walk(root: Path):
    """(relative dir, file names) below ``root``, skipping vendored and generated trees."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        yield ("" if rel == "." else rel), filenames


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


# --- Python roots from packaging metadata -------------------------------------------------------


def _join(base: str, sub: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, sub.strip().strip("/") or "."))
    return "" if joined == "." else joined


def _pyproject_roots(base: str, text: str) -> list[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    tool = data.get("tool", {})
    roots: list[str] = []
    st = tool.get("setuptools", {})
    package_dir = st.get("package-dir", {})
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        roots.append(_join(base, package_dir[""]))
    find = st.get("packages", {})
    if isinstance(find, dict):
        where = find.get("find", {}).get("where", [])
        roots += [_join(base, w) for w in where if isinstance(w, str)]
    wheel = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    packages = list(wheel.get("packages", [])) if isinstance(wheel, dict) else []
    skbuild = tool.get("scikit-build", {}).get("wheel", {})
    packages += skbuild.get("packages", []) if isinstance(skbuild, dict) else []
    for p in packages:
        if isinstance(p, str) and "/" in p.strip("/"):
            roots.append(_join(base, posixpath.dirname(p.strip("/"))))
    for p in tool.get("poetry", {}).get("packages", []):
        if isinstance(p, dict) and isinstance(p.get("from"), str):
            roots.append(_join(base, p["from"]))
    source = tool.get("maturin", {}).get("python-source")
    if isinstance(source, str):
        roots.append(_join(base, source))
    return roots


def _setup_cfg_roots(base: str, text: str) -> list[str]:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    roots = []
    raw = parser.get("options", "package_dir", fallback="")
    for line in raw.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "" and value.strip():
            roots.append(_join(base, value))
    where = parser.get("options.packages.find", "where", fallback="").strip()
    if where:
        roots.append(_join(base, where))
    return roots


def _setup_py_roots(base: str, text: str) -> list[str]:
    """``package_dir={"": "src"}`` and ``find_packages("src")``/``where="src"`` in setup.py,
    read with ``ast`` (only literal values count)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    roots: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in ("find_packages", "find_namespace_packages"):
            arg = node.args[0] if node.args else None
            for kw in node.keywords:
                if kw.arg == "where":
                    arg = kw.value
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                roots.append(_join(base, arg.value))
            elif arg is None:
                roots.append(_join(base, "."))
        for kw in node.keywords:
            if kw.arg == "package_dir" and isinstance(kw.value, ast.Dict):
                for k, v in zip(kw.value.keys, kw.value.values, strict=True):
                    if (
                        isinstance(k, ast.Constant)
                        and k.value == ""
                        and isinstance(v, ast.Constant)
                        and isinstance(v.value, str)
                    ):
                        roots.append(_join(base, v.value))
    return roots


def python_roots(root: Path) -> list[tuple[str, str]]:
    """Package directories the packaging metadata declares (the repository root itself is
    left out: names below it are found anyway)."""
    found: dict[str, str] = {}
    readers = {
        "pyproject.toml": _pyproject_roots,
        "setup.cfg": _setup_cfg_roots,
        "setup.py": _setup_py_roots,
    }
    for rel, filenames in _walk(root):
        if rel.count("/") >= 2:
            continue
        for name, read in readers.items():
            if name in filenames:
                where = posixpath.join(rel, name) if rel else name
                for r in read(rel, _read(root / where)):
                    if r and (root / r).is_dir():
                        found.setdefault(r, where)
    return sorted(found.items())


# --- CMake: options, wrappers, templates, include directories ------------------------------------


def _cmake_texts(root: Path) -> list[tuple[str, str]]:
    out = []
    for rel, filenames in _walk(root):
        for f in sorted(filenames):
            if f == "CMakeLists.txt" or f.endswith(".cmake"):
                path = posixpath.join(rel, f) if rel else f
                out.append((path, blank_comments_cmake(_read(root / path))))
    return out


def _cmake_survey(root: Path, survey: Survey) -> None:
    texts = _cmake_texts(root)
    bodies: dict[str, tuple[str, str, str]] = {}  # name -> (first parameter, body, file)
    for path, text in texts:
        for m in _WRAPPER.finditer(text):
            params = m.group(3).split(")", 1)
            first = params[0].split()[0] if params[0].split() else ""
            body = params[1] if len(params) > 1 else ""
            bodies.setdefault(m.group(2).lower(), (first, body, path))
    # a wrapper declares an option: its body calls option(), sets its first parameter as a
    # cache entry (`set(${name} ... CACHE ...)`), or calls another wrapper (TVM's tvm_option)
    wrappers: dict[str, str] = {}
    calls_of = {
        name: {c.lower() for c in re.findall(r"^[ \t]*(\w+)[ \t]*\(", body, re.M)}
        for name, (_first, body, _path) in bodies.items()
    }
    for name, (first, body, path) in bodies.items():
        cache = first and re.search(
            rf"^[ \t]*set[ \t]*\([ \t]*\$\{{{re.escape(first)}\}}[^)]*\bCACHE\b", body, re.M | re.I
        )
        if cache or calls_of[name] & set(BUILTIN_OPTION_COMMANDS):
            wrappers[name] = path
    grew = True
    while grew:
        grew = False
        for name, (_first, _body, path) in bodies.items():
            if name not in wrappers and calls_of[name] & set(wrappers):
                wrappers[name] = path
                grew = True
    commands = [*BUILTIN_OPTION_COMMANDS, *sorted(wrappers)]
    used: set[str] = set()
    seen: set[str] = set()
    for path, text in texts:
        body = _WRAPPER.sub("", text)  # a wrapper's own option(${name} ...) is no option
        for command in commands:
            for args in _cmake_call_args(body, command):
                if args and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args[0]):
                    used.add(command)
                    if args[0] not in seen:
                        seen.add(args[0])
                        survey.options.append((args[0], path))
    survey.option_commands = sorted((c, p) for c, p in wrappers.items() if c in used)
    names = {name for name, _ in survey.options}
    if len(names) >= 2:
        for path, text in texts:
            set_here = {a[0] for a in _cmake_call_args(text, "set") if a and a[0] in names}
            defined_here = {n for n, p in survey.options if p == path}
            if len(set_here) * 2 > len(names) and not defined_here:
                survey.config_templates.append(
                    (path, f"sets {len(set_here)} of the {len(names)} options")
                )
    include_dirs: Counter[str] = Counter()
    for path, text in texts:
        here = posixpath.dirname(path)
        calls = _cmake_call_args(text, "include_directories")
        calls += [a[1:] for a in _cmake_call_args(text, "target_include_directories")]
        for args in calls:
            for arg in args:
                d = _cmake_dir(arg, here)
                if d and (root / d).is_dir() and d.split("/")[0] not in SKIP_DIRS:
                    include_dirs[d] += 1
    for d, n in sorted(include_dirs.items()):
        survey.include_roots.append((d, f"include_directories/target_include_directories ({n})"))


def _cmake_dir(arg: str, here: str) -> str | None:
    """A directory argument of an include-directories command, root-relative, or None."""
    m = re.fullmatch(r"\$<BUILD_INTERFACE:([^<>]*)>", arg)
    if m:
        arg = m.group(1)
    if arg.upper() in ("SYSTEM", "BEFORE", "AFTER", "PUBLIC", "PRIVATE", "INTERFACE"):
        return None
    for var in _SOURCE_DIR_VARS:
        if arg.startswith(var):
            return _clean(arg[len(var) :].lstrip("/"))
    for var in _HERE_VARS:
        if arg.startswith(var):
            return _clean(posixpath.join(here, arg[len(var) :].lstrip("/")))
    if "$" in arg or arg.startswith("/"):
        return None
    return _clean(posixpath.join(here, arg))


def _clean(rel: str) -> str | None:
    norm = posixpath.normpath(rel) if rel else "."
    return None if norm in (".", "") or norm.startswith("..") else norm


# --- include forms actually used ----------------------------------------------------------------


def _include_survey(root: Path, survey: Survey) -> None:
    """Directories D such that ``#include <a/b.h>`` names ``D/a/b.h``, used from several files."""
    files: list[str] = []
    by_name: dict[str, list[str]] = {}
    for rel, filenames in _walk(root):
        for f in filenames:
            path = posixpath.join(rel, f) if rel else f
            by_name.setdefault(f, []).append(path)
            if f.endswith(CPP_SUFFIXES):
                files.append(path)
    users: dict[str, set[str]] = {}
    for path in files[:MAX_CPP_FILES]:
        here = posixpath.dirname(path)
        for quote, spec in set(_INCLUDE.findall(_read(root / path))):
            spec = spec.strip()
            if "/" not in spec or spec.startswith(("/", ".")):
                continue
            if quote == '"' and (root / here / spec).is_file():
                continue  # found beside the including file: no root needed
            for candidate in by_name.get(posixpath.basename(spec), []):
                if candidate.endswith("/" + spec):
                    base = candidate[: -len(spec) - 1]
                    users.setdefault(base, set()).add(path)
    declared = {d for d, _ in survey.include_roots}
    for base, who in sorted(users.items()):
        if len(who) >= 2 and base not in declared:
            survey.include_roots.append((base, f"#include forms of {len(who)} files resolve here"))


NOT_ROOTS = {"tests", "test", "docs", "doc", "benchmarks", "bench", "examples", "tools", "scripts"}


def _package_dirs(root: Path) -> list[str]:
    """Top-level directories holding top-level packages (``python/`` of ``python/tvm/``)."""
    out = set()
    for rel, filenames in _walk(root):
        parent = posixpath.dirname(rel)
        top = parent and "/" not in parent and parent not in NOT_ROOTS
        if top and "__init__.py" in filenames and not (root / parent / "__init__.py").is_file():
            out.add(parent)
    return sorted(out)


def survey(root: Path) -> Survey:
    out = Survey()
    out.python_roots = python_roots(root)
    if not out.python_roots:
        out.python_guesses = _package_dirs(root)
    _cmake_survey(root, out)
    _include_survey(root, out)
    return out


# --- rendering ----------------------------------------------------------------------------------


def _wrap(prefix: str, words: list[str]) -> list[str]:
    lines: list[str] = []
    line = prefix
    for w in words:
        if len(line) + len(w) + 2 > WIDTH and line != prefix:
            lines.append(line.rstrip())
            line = "#" + " " * (len(prefix) - 1)
        line += w + ", "
    lines.append(line.rstrip(", "))
    return lines


def _option_groups(options: list[tuple[str, str]]) -> list[str]:
    groups: dict[str, list[str]] = {}
    for name, _where in options:
        prefix = name.split("_", 1)[0] + "_" if "_" in name.strip("_") else name
        groups.setdefault(prefix, []).append(name)
    singles = sorted(n for names in groups.values() if len(names) == 1 for n in names)
    groups = {p: names for p, names in groups.items() if len(names) > 1}
    if singles:
        groups["other"] = singles
    lines = []
    for prefix, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines += _wrap(f"#   {prefix} ({len(names)}): ", sorted(names))
    return lines


def render_initial(name: str, found: Survey) -> str:
    lines = [
        "# scoped-modules registry: declare scoped modules, their toggles, owners and decisions.",
        "# Reference: `scoped explain SM003`, README.md and docs/ci.md.",
        "# `scoped init` wrote what it found; a commented-out line is a guess to accept or delete.",
        "schema = 1",
        "",
        "[project]",
        f"name = {json.dumps(name)}",
        'rules = "tvm-s0"',
        "exclude = []",
        "# governance = false  # use scoped for boundaries only: no owner/champion/vote rules",
    ]
    if found.python_roots:
        where = ", ".join(sorted({w for _r, w in found.python_roots}))
        lines.append(f"# Python package directories declared by {where}")
        lines.append(f"python_roots = {json.dumps([r for r, _w in found.python_roots])}")
    elif found.python_guesses:
        lines.append(
            "# No packaging metadata names the Python package directories; these hold some:"
        )
        lines.append(f"# python_roots = {json.dumps(found.python_guesses)}")
    if found.include_roots:
        lines.append("# C/C++ include roots:")
        for d, why in found.include_roots:
            lines.append(f"#   {d}: {why}")
        lines.append(f"# include_roots = {json.dumps([d for d, _ in found.include_roots])}")
    if found.option_commands:
        where = ", ".join(f"{c} ({p})" for c, p in found.option_commands)
        lines.append(
            f"# CMake functions/macros that declare options (wrap option() or a cache entry): {where}"
        )
        commands = [*BUILTIN_OPTION_COMMANDS, *(c for c, _ in found.option_commands)]
        lines.append(f"cmake_option_commands = {json.dumps(commands)}")
    for path, why in found.config_templates:
        lines.append(f"# {path} {why}: a configuration template")
    if found.config_templates:
        lines.append(f"# config_templates = {json.dumps([p for p, _ in found.config_templates])}")
    lines += ["", "# CMake options found (any of them can become a module's toggle), by prefix:"]
    lines += _option_groups(found.options) if found.options else ["#   (none)"]
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
    text = render_initial(root.name, survey(root))
    old = target.read_text("utf-8") if target.exists() else None
    atomic_write(target, text, old)
    return target
