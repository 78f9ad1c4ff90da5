"""The real C preprocessor as the oracle of the C/C++ reader.

``includes_by_env`` runs GCC's (or Clang's) preprocessor in C++ mode on a generated source
once for every assignment of the macros it tests, and returns the headers the preprocessor
actually opened, in order. Each header is an existing file whose only content is a string
literal naming it, so the output shows each inclusion; a driver file includes the source once
per assignment, with the macros ``#define``d to 1 or ``#undef``ined in between.

``reader_includes_by_env`` gives the same from the reader's facts: the includes whose guard
holds under each assignment. Tests compare the two.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from scoped_modules.readers.cpp import read_cpp
from scoped_modules.readers.facts import F_ANGLE

SKIP_REASON = (
    "no C++ preprocessor found (cpp or g++ or clang++ with C++ support): these oracle tests "
    "need one; .ci/run installs g++"
)
_OPENED = re.compile(r'"@@ ([^"\s]+)"')
_LINE_MARKER = re.compile(r'# (\d+) "([^"]*)"')
_ECHOED_INCLUDE = re.compile(r'#(?:include_next|include|import) (?:"([^"]*)"|<([^>]*)>)')
# a generated include name, with what stands before it between its quotes or angle brackets
_NAME = re.compile(r'(?<=[<"])[^<>"\n]*?\b(?:inc|ang)_\d+\.h(?=[>"])')


@cache
def preprocessor() -> tuple[str, ...] | None:
    """A command that preprocesses C++ (the newest standard it knows), or None."""
    candidates = []
    for tool in ("cpp", "g++", "clang++"):
        path = shutil.which(tool)
        if path is None:
            continue
        base = [path] if tool == "cpp" else [path, "-E"]
        for std in ("c++23", "c++2b", "c++20", "c++17"):
            candidates.append((*base, "-x", "c++", f"-std={std}"))
    for cmd in candidates:
        try:
            out = subprocess.run(
                [*cmd, "-"], input="int x = 1'000;\n", capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and "1'000" in out.stdout:
            return cmd
    return None


def include_names(source: str) -> list[str]:
    """The generated header names (``inc_N.h`` quoted, ``ang_N.h`` angled) in ``source``."""
    return sorted(set(_NAME.findall(source)))


def includes_by_env(
    source: str,
    macros: tuple[str, ...] = (),
    guards: tuple[str, ...] = (),
    headers: list[str] | None = None,
    lines: dict[str, int] | None = None,
) -> dict[frozenset[str], list[str]]:
    """For every subset of ``macros`` defined (to 1), the headers the preprocessor opened.

    ``guards``: macros the source defines itself (include guards), undefined before each run.
    ``headers``: the include names to create (default: the generated ``inc_N.h``/``ang_N.h``),
    relative to the source's directory, which is also the angle-bracket search path.
    ``lines``: filled with the line of each opened include's ``#`` (GCC's ``-dI``).
    """
    cmd = preprocessor()
    assert cmd is not None, SKIP_REASON
    envs = [frozenset(c) for k in range(len(macros) + 1) for c in itertools.combinations(macros, k)]
    with tempfile.TemporaryDirectory(prefix="cpp-oracle-") as tmp:
        root = Path(tmp)
        src = root / "src"
        src.mkdir()
        (src / "gen.cc").write_text(source, encoding="utf-8", newline="")
        for name in include_names(source) if headers is None else headers:
            header = src / name
            header.parent.mkdir(parents=True, exist_ok=True)
            header.write_text(f'"@@ {name}"\n', encoding="utf-8")
        driver = []
        for i, env in enumerate(envs):
            driver += [f"#undef {name}" for name in (*macros, *guards, "M")]
            driver += [f"#define {name} 1" for name in sorted(env)]
            driver += [f'"@@ env_{i}.h"', '#include "src/gen.cc"']
        driver.append('"@@ end.h"')
        (root / "driver.cc").write_text("\n".join(driver) + "\n", encoding="utf-8")
        opened, stderr = _run([*cmd, "-I", str(src), "driver.cc"], root, lines)
        if opened[-1:] == ["end.h"]:
            return _split(opened, envs)
        # GCC stops the whole translation unit at an unterminated raw string: one run per
        # assignment, the source as the main file (what it opened until it stopped counts).
        if "unterminated raw string" not in stderr:
            raise AssertionError(f"the preprocessor stopped early:\n{stderr[-2000:]}")
        result = {}
        for env in envs:
            defines = [f"-D{name}=1" for name in sorted(env)]
            opened, stderr = _run([*cmd, *defines, "-I", str(src), "src/gen.cc"], root, lines)
            if "fatal error" in stderr:
                raise AssertionError(f"the preprocessor failed:\n{stderr[-2000:]}")
            result[env] = opened
        return result


def _run(cmd: list[str], cwd: Path, lines: dict[str, int] | None = None) -> tuple[list[str], str]:
    """(headers opened in order, stderr); ``lines`` gets each include's line in gen.cc, read
    from the ``#include`` lines that ``-dI`` echoes, counted from the line markers."""
    out = subprocess.run([*cmd, "-dI"], cwd=cwd, capture_output=True, text=True, timeout=120)
    if lines is not None:
        file, line = "", 0
        for text in out.stdout.split("\n"):
            marker = _LINE_MARKER.match(text)
            if marker:
                file, line = marker.group(2), int(marker.group(1))
                continue
            echoed = _ECHOED_INCLUDE.match(text)
            if echoed and file.endswith("gen.cc"):
                lines.setdefault(echoed.group(1) or echoed.group(2), line)
            line += 1
    return _OPENED.findall(out.stdout), out.stderr


def _split(opened: list[str], envs: list[frozenset[str]]) -> dict[frozenset[str], list[str]]:
    result: dict[frozenset[str], list[str]] = {}
    current: list[str] = []
    for name in opened:
        if name.startswith("env_") or name == "end.h":
            if name != "env_0.h":
                result[envs[len(result)]] = current
            current = []
        else:
            current.append(name)
    return result


def holds(
    guard: object, env: frozenset[str], memo: dict[int, bool | None] | None = None
) -> bool | None:
    """Whether a reader's guard holds when exactly the macros of ``env`` are defined: True,
    False, or None when it depends on a condition the reader calls unknown (Kleene logic).
    ``memo`` (for one ``env``, while the guards live) evaluates a part shared by several
    guards once: the reader's guards are DAGs (a long #elif chain shares its negations)."""
    if guard is None:
        return True
    assert isinstance(guard, tuple)
    if memo is None:
        memo = {}
    key = id(guard)
    if key in memo:
        return memo[key]
    tag = guard[0]
    value: bool | None
    if tag == "v":
        value = any(name in env for name in guard[1])
    elif tag == "u":
        value = None
    elif tag == "not":
        inner = holds(guard[1], env, memo)
        value = None if inner is None else not inner
    else:
        values = [holds(g, env, memo) for g in guard[1:]]
        if tag == "and":
            value = False if False in values else None if None in values else True
        elif tag == "or":
            value = True if True in values else None if None in values else False
        else:
            raise AssertionError(f"not a guard: {guard!r}")
    memo[key] = value
    return value


def reader_includes_by_env(
    source: str, macros: tuple[str, ...], exact: bool = False
) -> dict[frozenset[str], list[tuple[str, bool | None]]]:
    """The reader's includes under each subset of ``macros``: (spec, whether its guard holds)
    for those whose guard does not fail."""
    _lang, refs, _notes, _extra = read_cpp(source, exact=exact)
    envs = [frozenset(c) for k in range(len(macros) + 1) for c in itertools.combinations(macros, k)]
    out: dict[frozenset[str], list[tuple[str, bool | None]]] = {}
    for env in envs:
        values = [(r[1], holds(r[4], env)) for r in refs]
        out[env] = [(spec, value) for spec, value in values if value is not False]
    return out


# ------------------------------------------------------------------------------------------
# Generated sources: lines that stress what decides a directive (comments, literals, line
# splices, raw strings, digit separators) and conditions over the macros A and B.

MACROS = ("A", "B")
GUARDS = ("G_H",)
FRAGMENTS = [
    '#include "{q}"',
    "#include <{a}>",
    '  #  include "{q}"',
    '#include "{q}" // c',
    '#include "{q}" /* c */',
    '#include /* c */ "{q}"',
    '/* c */ #include "{q}"',
    '#include \\\n"{q}"',
    '# /* c */ include "{q}"',
    '*/ #include "{q}"',
    "#if defined(A)",
    "#ifdef B",
    "#ifndef A",
    "#if A && !B",
    "#if !defined(A) || B",
    "#if 0",
    "#if 1",
    "#if A /* open",
    " */ && B",
    "#if A \\\n && B",
    "#elif B",
    "#elif !A",
    "#elif 0",
    "#elif 1",
    "#elifdef A",
    "#elifndef B",
    "#else",
    "#endif",
    "#endif // A",
    "\n#ifndef G_H\n#define G_H",  # its own lines: a splice before it would join the #ifndef
    "/* open",
    "close */",
    "/* one */ int x;",
    "// c /* x",
    "// see \\",
    "// see \\   ",
    "#define M \\",
    "int a = 1'000;",
    "char c = '/*';",
    "int a = 1'0; char c = '/*';",
    "int b = 0x1'F'; /* c */",
    'x = "/*";',
    'y = "*/";',
    "c = '\"';",
    'q = "\\\\";',
    'r = R"(',
    ')";',
    'r2 = u8R"x(',
    ')x";',
    's = "*/ /* in str";',
    "char q = '/'; /* c */ int z; /* open2",
    "char u = 'a /* x",
    'str = "abc \\',
    "x = 1; \\",
    "  \\",
    "#error don't /* x",
    "#if defined A || /* c */ B",
    "#if !(A) && defined ( B )",
    "#ifdef A // c",
    "#elif defined(B) && \\",
    "#else // x /* y",
    "#endif /* c",
    "#include <sub/*x*/{a}>",
    '#include "{q}" \\',
    "#define S(x) #x",
    "c = L'\\''; d = u8\"\\\"\"; e = '\\\\';",
    "int é1 = 2'3;",
    "  # /* c",
    ' */ include "{q}"',
    "int plain;",
    "",
]


def assemble(fragments: list[str], crlf: bool = False, final_newline: bool = True) -> str:
    """Join fragments into a source, each ``{q}``/``{a}`` becoming a fresh header name."""
    counter = itertools.count()
    lines = []
    for frag in fragments:
        while "{q}" in frag or "{a}" in frag:
            k = next(counter)
            frag = frag.replace("{q}", f"inc_{k}.h", 1) if "{q}" in frag else frag
            frag = frag.replace("{a}", f"ang_{k}.h", 1) if "{a}" in frag else frag
        lines.append(frag)
    text = "\n".join(lines) + ("\n" if final_newline else "")
    return text.replace("\n", "\r\n") if crlf else text


def mismatch(source: str) -> str | None:
    """None when the reader (fast path and exact scanner alike) and the preprocessor agree on
    ``source``: which headers are opened under every assignment of A and B, in order, on which
    line each opened include's ``#`` stands, and whether it is angled; else what differs."""
    lines: dict[str, int] = {}
    expected = includes_by_env(source, MACROS, GUARDS, lines=lines)
    for exact in (False, True):
        mode = "exact scanner" if exact else "fast path"
        got = reader_includes_by_env(source, MACROS, exact=exact)
        for env, names in expected.items():
            # an include under an unknown condition may or may not be opened
            agreed = [spec for spec, value in got[env] if value or spec in names]
            if agreed != names:
                defined = ", ".join(sorted(env)) or "nothing"
                return f"{mode}, {defined} defined: preprocessor {names}, reader {got[env]}"
        _lang, refs, _notes, _extra = read_cpp(source, exact=exact)
        for r in refs:
            if r[1] in lines and lines[r[1]] != r[2]:
                return f"{mode}: {r[1]} read on line {r[2]}, the preprocessor's {lines[r[1]]}"
            if ("ang_" in r[1]) != bool(r[5] & F_ANGLE):
                return f"{mode}: {r[1]}: wrong angle flag"
    return None


def sources(max_fragments: int = 24):  # -> hypothesis strategy of str
    """Generated sources: fragments of ``FRAGMENTS``, sometimes with CRLF line ends or without a
    final newline."""
    from hypothesis import strategies as st

    return st.builds(
        assemble,
        st.lists(st.sampled_from(FRAGMENTS), max_size=max_fragments),
        crlf=st.booleans(),
        final_newline=st.booleans(),
    )


# ------------------------------------------------------------------------------------------
# Comments as the preprocessor removes them: markers `W<n>` placed in code, literals and
# comments; those in the preprocessor's output are those the blanking keeps. No directives.

BLANK_FRAGMENTS = [
    "W{w} /* W{w} */ W{w}",
    "// W{w} \\",
    "// W{w} \\  ",
    "W{w} // W{w}",
    "/* W{w}",
    "W{w} */ W{w}",
    '"W{w} /* W{w}" W{w}',
    "'/*' W{w}",
    "int a = 1'0; char c = '/*'; W{w}",
    "int a = 1'000; /* it's W{w}",
    'r = R"x( W{w} */ /* W{w} )x" W{w}',
    'R"( W{w}',
    ')" W{w}',
    "char u = 'a /* W{w}",
    '"abc W{w} \\',
    "W{w} \\",
    "x = '\"'; /* W{w} */",
    "a / b /W{w}",
    "",
]
_MARKER = re.compile(r"\bW\d+\b")


def assemble_markers(fragments: list[str]) -> str:
    counter = itertools.count()
    lines = []
    for frag in fragments:
        while "{w}" in frag:
            frag = frag.replace("{w}", str(next(counter)), 1)
        lines.append(frag)
    # a raw string left open ends the preprocessor's output (GCC): close it at the end
    return "\n".join([*lines, ')"']) + "\n"


def blank_sources(max_fragments: int = 16):  # -> hypothesis strategy of str
    from hypothesis import strategies as st

    return st.builds(
        assemble_markers, st.lists(st.sampled_from(BLANK_FRAGMENTS), max_size=max_fragments)
    )


def markers(text: str) -> list[str]:
    return sorted(set(_MARKER.findall(text)))


def preprocessed_markers(source: str) -> list[str]:
    """The markers of ``source`` left in the preprocessor's output."""
    cmd = preprocessor()
    assert cmd is not None, SKIP_REASON
    out = subprocess.run([*cmd, "-"], input=source, capture_output=True, text=True, timeout=120)
    return markers(out.stdout)
