"""The readers' compiled twins (`readers/_speedups.c`) against their Python twins.

Each compiled function ``X`` has a Python twin ``_X_py`` in a reader module, which defines its
behaviour; the reader calls ``_X`` (the compiled one when built and wanted). Here both are
compared on generated texts (hypothesis) and whole facts on real files (the running
interpreter's standard library, the project itself). Without the compiled module the
comparisons skip, visibly; CI builds it and sets ``SCOPED_REQUIRE_SPEEDUPS=1``, which turns the
skip into a failure.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import subprocess
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoped_modules.readers import cpp as cpp_reader
from scoped_modules.readers import python as py_reader
from scoped_modules.readers import speedups

ROOT = Path(__file__).resolve().parents[1]
READERS = [py_reader, cpp_reader]  # the reader modules with compiled twins


def _built() -> ModuleType:
    try:
        from scoped_modules.readers import _speedups
    except ImportError as exc:
        reason = f"the compiled readers are not built ({exc}; `python hatch_build.py`)"
        if os.environ.get("SCOPED_REQUIRE_SPEEDUPS") == "1":
            pytest.fail(reason + ", and SCOPED_REQUIRE_SPEEDUPS=1")
        pytest.skip(reason)
    return _speedups


@pytest.fixture
def compiled() -> ModuleType:
    return _built()


def _twins(mod: ModuleType) -> list[str]:
    """The names ``X`` of the compiled functions (without the leading ``_``) whose Python twin
    ``_X_py`` the reader module has."""
    return [name[1:-3] for name in vars(mod) if name.startswith("_") and name.endswith("_py")]


@pytest.fixture
def both(compiled: ModuleType) -> Iterator[dict[str, list[tuple[ModuleType, str, object]]]]:
    """For each mode ("c", "py"), what to set in the readers to use that mode's twins."""
    modes: dict[str, list[tuple[ModuleType, str, object]]] = {"c": [], "py": []}
    for mod in READERS:
        for name in _twins(mod):
            modes["c"].append((mod, "_" + name, getattr(compiled, name)))
            modes["py"].append((mod, "_" + name, getattr(mod, f"_{name}_py")))
    yield modes


def _read_both(modes: dict, monkeypatch: pytest.MonkeyPatch, read, *args) -> tuple:
    out = []
    for mode in ("c", "py"):
        with monkeypatch.context() as m:
            for mod, name, fn in modes[mode]:
                m.setattr(mod, name, fn)
            out.append(read(*args))
    return tuple(out)


def test_every_compiled_function_has_a_python_twin_that_the_reader_calls(
    compiled: ModuleType,
) -> None:
    public = sorted(n for n in vars(compiled) if not n.startswith("_") and n != "SOURCE_SHA256")
    twins = sorted(n for mod in READERS for n in _twins(mod))
    assert public == twins
    if speedups.compiled is not None:  # the readers use them (unless SCOPED_PURE_PYTHON)
        for mod in READERS:
            for name in _twins(mod):
                assert getattr(mod, "_" + name) is getattr(compiled, name)


# --- the Python reader's chain candidates ----------------------------------------------------

# pieces of code around names and dots: odd spaces, continuations, comments, non-ASCII text
# before and inside names (2- and 4-byte characters), NFKC spellings, digits, Ellipsis
_PIECES = [
    "a", "ab", "np", "tvm", "self", "x1", "_", "1", "é", "𝔘", "ﬁ", "a\u2024b", "\u00b7",
    ".", ".", "..", "...", " ", "\t", "\f", "\n", "\\\n", "\\", "#", "# c\n", "(", ")", "'", '"',
    "=", ",", "\u3000", "\xa0",
]  # fmt: skip
_NAMES = ["a", "ab", "np", "tvm", "x1", "é", "𝔘", "ﬁ", "a.b", "a b", "a\u2024b", "_", "b"]
_texts = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)
_names = st.lists(st.sampled_from(_NAMES), unique=True, max_size=len(_NAMES))


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts | st.text(max_size=80), names=_names, many=st.booleans())
@example(text="a.b", names=["a"], many=False)  # at offset 0
@example(text="x = a.", names=["a"], many=False)  # at the end
@example(text="é a.b ü.a.c éa.d", names=["a"], many=True)  # non-ASCII before a name
@example(text="a.b.a.b.x (a.b.y", names=["a.b"], many=True)  # a name with a dot
def test_name_dots_equals_its_python_twin(
    compiled: ModuleType, text: str, names: list[str], many: bool
) -> None:
    if many:  # past _MANY_NAMES, the Python twin takes its one-pass branch
        names = names + [f"n{i}" for i in range(py_reader._MANY_NAMES + 1)]
    assert compiled.name_dots(text, names) == py_reader._name_dots_py(text, names)


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts | st.text(max_size=80))
@example(text="a.b . c # x\n .d\\\n.e f")
@example(text="a.é𝔘 .\\\n\f1 .b#")
def test_tails_equal_their_python_twin(compiled: ModuleType, text: str) -> None:
    ends = list(range(len(text) + 1))  # at every place, the end of the text included
    assert compiled.tails(text, ends) == py_reader._tails_py(text, ends)


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts | st.text(max_size=80), names=_names)
@example(text="a .b", names=["a"])  # at offset 0
@example(text="x = a\\\n  .b\n(é \t\f.c) 𝔘\n.d a .", names=["a", "é", "𝔘"])
def test_spaced_name_dots_equal_their_python_twin(
    compiled: ModuleType, text: str, names: list[str]
) -> None:
    wanted = set(names)
    assert compiled.spaced_name_dots(text, wanted) == py_reader._spaced_name_dots_py(text, wanted)


# pieces of Python lines: quotes and prefixes, f-string fields, brackets, continuations
_LINE_PIECES = [
    "'", '"', "'''", '"""', "f", "F", "r", "rf", "fR", "b", "x", "xf", "é", "\\", "\n", "#", "{",
    "}", "{{", "}}", "{x}", "{'a'}", '{"b"}', "{'\"'}", '{"\'"}', "(", ")", "[", "]", " ", "N",
    ":", "!r", "\\N{DASH}",
]  # fmt: skip


@settings(max_examples=1500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(_LINE_PIECES), max_size=40).map("".join))
@example(text="x = f'{a[\"k\"]}' + rf\"{b!r:>{w}}\"  # c\n(a, [b, {c: (d)}])\n'''x''' y\n")
@example(text="f'{\"it's\"}'\n")  # the other quote inside a field's string
def test_simple_lines_equal_their_python_twin(compiled: ModuleType, text: str) -> None:
    for pos in range(len(text) + 1):
        assert compiled.simple_lines(text, pos) == py_reader._simple_lines_py(text, pos), pos


@settings(max_examples=1500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.lists(st.sampled_from([*_LINE_PIECES, "((((", "]]]]", "\\\n"]), max_size=40).map(
        "".join
    )
)
@example(text="x = (a,\n  f'''{b}\n''' # c\n  [\"\\\n\"]) # d\n")
@example(text="((((((((x))))))))\n(((((((((x)))))))))\n")  # 8 deep, and 9
def test_logical_lines_equal_their_python_twin(compiled: ModuleType, text: str) -> None:
    for pos in range(len(text) + 1):
        assert compiled.logical(text, pos) == py_reader._logical_py(text, pos), pos


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts | st.text(max_size=80))
@example(text="é 1é x𝔘y.é\u00b7ab ﬁ_2 é")  # at offset 0, after a digit, at the end
def test_non_ascii_words_equal_their_python_twin(compiled: ModuleType, text: str) -> None:
    assert compiled.non_ascii_words(text) == py_reader._non_ascii_words_py(text)


def test_huge_texts(compiled: ModuleType) -> None:
    unit = "import np\nx = np.a.b(np .c, 'np.d')  # np.e\nnp\\\n.f; é.np.g; 𝔘 = np.\n"
    text = unit * 40_000  # 2.6 MB, UCS-4
    names = ["np", "𝔘"]
    got = compiled.name_dots(text, names)
    assert got == py_reader._name_dots_py(text, names)
    ends = [p + 2 for p in got[0][1]]
    assert compiled.tails(text, ends) == py_reader._tails_py(text, ends)
    spaced = compiled.spaced_name_dots(text, set(names))
    assert len(spaced) == 80_000
    assert spaced == py_reader._spaced_name_dots_py(text, set(names))


def test_bad_arguments_raise(compiled: ModuleType) -> None:
    with pytest.raises(TypeError):
        compiled.name_dots(b"a.b", ["a"])
    with pytest.raises(TypeError):
        compiled.name_dots("a.b", [1])
    with pytest.raises(IndexError):
        compiled.tails("a.b", [4])


# --- the C/C++ reader's defines ---------------------------------------------------------------

_CPP_PIECES = [
    "#", "# ", "define", "cmakedefine", "cmakedefine01", "01", " ", "\t", "\n", "\r", "\f", "A",
    "_", "9", "é", "\u0663", "\u00b2", "x", "\\\n", "/*", "*/", "(", "𝔘",
]  # fmt: skip


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(_CPP_PIECES), max_size=40).map("".join) | st.text(max_size=60))
@example(text="#define A\n  #\tcmakedefine01 B_1\n#cmakedefine01C\n#cmakedefine  D\nx #define E")
@example(text="#define Aé\u0663\u00b2 1\n#define")  # \\w is Unicode; the name at the end
def test_defines_equal_their_python_twin(compiled: ModuleType, text: str) -> None:
    assert compiled.defines(text) == cpp_reader._defines_py(text)


# pieces of C/C++ lines: directives, comments, splices, literals, raw strings, pp-numbers
_EXACT_PIECES = [
    "#", "include", "if", "x", " ", "\t", "\f", "\v", "\r", "\n", "\r\n", "\\\n", "\\ \n", "\\",
    "/", "/*", "*/", "//", '"', "'", 'R"x(', ')x"', 'u8R"(', ')"', 'LR"', "R", "u8", "1'000",
    "0x1p+3", ".5e-3", "é", "\u0663", "\u00b2", "$a", "<a.h>", "(",
]  # fmt: skip


@settings(max_examples=1500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(_EXACT_PIECES), max_size=40).map("".join))
@example(text='/* a\n */ # include <x.h> // c\\\n d\nR"q(\n#if\n)q" x\n#if R"(a\n)"\n')
@example(text='a = R"12345678901234567(x)12345678901234567";\n#if 1\n')  # a delimiter too long
@example(text='a = R"1234567890123456(\n#if 1\n)1234567890123456";\n#if 2\n')  # the longest
def test_exact_scanner_equals_its_python_twin(compiled: ModuleType, text: str) -> None:
    for pos in range(len(text) + 1):
        assert compiled.exact(text, pos) == cpp_reader._exact_py(text, pos), pos


# --- whole facts on real files ---------------------------------------------------------------


def _python_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    return files + sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))


def test_python_facts_are_byte_identical_on_real_files(
    both: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _python_files()
    assert len(files) > 1000
    differ = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        c, py = _read_both(both, monkeypatch, py_reader.read_python, text)
        if c != py or marshal.dumps(c) != marshal.dumps(py):
            differ.append(str(path))
    assert differ == []


def _c_files() -> list[Path]:
    include = Path(sysconfig.get_paths()["include"])
    return sorted(include.rglob("*.h")) + sorted(Path("/usr/include").glob("*.h"))


def test_cpp_facts_are_byte_identical_on_real_files(
    both: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _c_files()
    if len(files) < 100:
        pytest.skip(f"needs C headers (found {len(files)}: Python's and /usr/include)")
    differ = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        c, py = _read_both(both, monkeypatch, cpp_reader.read_cpp, text)
        if c != py or marshal.dumps(c) != marshal.dumps(py):
            differ.append(str(path))
    assert differ == []


def test_python_chains_are_equal_on_real_files(both: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    # every chain, with guard and evidence (what the index reads again for a few files)
    files = _python_files()[::7]
    differ = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        c, py = _read_both(both, monkeypatch, py_reader.python_refs, text)
        if repr(c) != repr(py):
            differ.append(str(path))
    assert differ == []


# --- choosing, loading and building -----------------------------------------------------------


def test_the_environment_switch_forces_the_python_twins() -> None:
    code = "from scoped_modules.readers import speedups, python; print(speedups.compiled, python._tails.__name__)"
    env = {**os.environ, speedups.PURE_ENV: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "_tails_py"]


def test_a_module_built_from_other_source_is_not_used(
    compiled: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert speedups.SOURCE.is_file()
    other = tmp_path / "_speedups.c"
    other.write_bytes(speedups.SOURCE.read_bytes() + b"\n/* changed */\n")
    monkeypatch.delenv(speedups.PURE_ENV, raising=False)
    monkeypatch.setattr(speedups, "SOURCE", other)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert speedups._load() is None
    assert any("other source" in str(w.message) for w in caught)
    monkeypatch.setattr(speedups, "SOURCE", tmp_path / "absent.c")  # an install without it
    assert speedups._load() is compiled


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_build_hook_compiles_the_module_or_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hook = _hook()
    monkeypatch.setenv("CC", "/bin/false")
    out = tmp_path / hook.module_name()
    reason = hook.compile_module(ROOT, out)
    assert reason is not None and "/bin/false" in reason
    assert not out.exists()
    monkeypatch.delenv("CC")
    if not sysconfig.get_config_var("CC"):
        pytest.skip("no C compiler configured for this Python")
    assert hook.compile_module(ROOT, out) is None
    code = (
        "import sys, importlib.util as u; s = u.spec_from_file_location('_speedups', sys.argv[1]);"
        "m = u.module_from_spec(s); s.loader.exec_module(m); print(m.SOURCE_SHA256)"
    )
    got = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True)
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == hashlib.sha256(speedups.SOURCE.read_bytes()).hexdigest()
