"""``scoped codeowners``: a marked section of CODEOWNERS from the modules' owners."""

from __future__ import annotations

from pathlib import Path

import pathspec
import pytest
from helpers import make_repo, person, run_cli

REGISTRY = f"""
schema = 1

[project]
name = "owners-demo"

{person("alice")}{person("bob")}{person("carol")}[modules.uma]
stage = "s0"
paths = ["python/uma/", "cmake/UMA.cmake", "src/uma"]
owners = ["alice", "bob"]

[modules.kernels]
stage = "proposed"
paths = ["src/kernels/**/*.cu"]
owners = ["carol", "acme/gpu-team"]

[modules.old]
stage = "removed"
paths = ["src/old/"]
owners = ["bob"]

[modules.orphan]
stage = "proposed"
paths = ["src/orphan/"]
"""

FOREIGN_TOP = (
    "# Generic rules\n*       @acme/maintainers\n/docs/  @acme/docs   # trailing comment\n\n"
)
FOREIGN_BOTTOM = "\n# kept as it is\n"


def _repo(tmp_path: Path, codeowners: str | None = None, where: str = ".github/CODEOWNERS") -> Path:
    files = {
        "scoped.toml": REGISTRY,
        "python/uma/__init__.py": "",
        "cmake/UMA.cmake": "",
        "src/uma/uma.cc": "",
        "src/kernels/a/gemm.cu": "",
        "src/core.cc": "",
        "docs/index.md": "",
    }
    root = make_repo(tmp_path / "repo", files)
    if codeowners is not None:
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        (root / where).write_text(codeowners)
    return root


def _owners_of(codeowners: str, path: str) -> list[str] | None:
    """GitHub's rule, with gitignore matching as the oracle: the last matching line wins."""
    result = None
    for line in codeowners.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(path):
            result = owners
    return result


def test_write_appends_after_generic_rules_and_keeps_foreign_lines(tmp_path: Path) -> None:
    root = _repo(tmp_path, FOREIGN_TOP + FOREIGN_BOTTOM.lstrip("\n"))
    code, out, err = run_cli(root, "codeowners", "--write")
    assert code == 0, err
    assert "module 'orphan' has no owners" in err
    text = (root / ".github/CODEOWNERS").read_text()
    assert text.startswith(FOREIGN_TOP + FOREIGN_BOTTOM.lstrip("\n"))  # untouched, section after
    assert _owners_of(text, "python/uma/__init__.py") == ["@alice", "@bob"]
    assert _owners_of(text, "src/uma/uma.cc") == ["@alice", "@bob"]  # a directory entry
    assert _owners_of(text, "cmake/UMA.cmake") == ["@alice", "@bob"]
    assert _owners_of(text, "src/kernels/a/gemm.cu") == ["@carol", "@acme/gpu-team"]
    assert _owners_of(text, "src/core.cc") == ["@acme/maintainers"]
    assert _owners_of(text, "docs/index.md") == ["@acme/docs"]
    assert "src/old" not in text  # removed modules own nothing
    assert "/src/uma/ @alice @bob" in text.splitlines()
    # idempotent, and --check agrees
    assert run_cli(root, "codeowners", "--write")[1].startswith("up to date")
    assert run_cli(root, "codeowners", "--check")[0] == 0


def test_round_trip_replaces_only_the_section(tmp_path: Path) -> None:
    root = _repo(tmp_path, FOREIGN_TOP)
    run_cli(root, "codeowners", "--write")
    path = root / ".github/CODEOWNERS"
    path.write_text(path.read_text() + FOREIGN_BOTTOM)  # a human adds lines after the section
    before = path.read_text()
    registry = (root / "scoped.toml").read_text().replace('["alice", "bob"]', '["alice"]')
    (root / "scoped.toml").write_text(registry)
    code, out, _err = run_cli(root, "codeowners", "--check")
    assert code == 1
    assert "-/python/uma/ @alice @bob" in out and "+/python/uma/ @alice" in out
    assert path.read_text() == before  # --check writes nothing
    assert run_cli(root, "codeowners", "--write")[0] == 0
    after = path.read_text()
    start, end = before.index("# BEGIN"), before.index("# END")
    assert after.startswith(before[:start])
    assert after.endswith(before[before.index("\n", end) + 1 :])
    assert after.endswith(FOREIGN_BOTTOM)
    assert _owners_of(after, "python/uma/__init__.py") == ["@alice"]


def test_existing_file_is_found_where_github_looks(tmp_path: Path) -> None:
    root = _repo(tmp_path, "* @x\n", where="docs/CODEOWNERS")
    run_cli(root, "codeowners", "--write")
    assert "# BEGIN scoped-modules" in (root / "docs/CODEOWNERS").read_text()
    assert not (root / ".github/CODEOWNERS").exists()
    fresh = _repo(tmp_path / "fresh")
    assert run_cli(fresh, "codeowners", "--check")[0] == 1  # no file yet: out of date
    run_cli(fresh, "codeowners", "--write")
    assert (fresh / ".github/CODEOWNERS").read_text().startswith("# BEGIN scoped-modules")


def test_print_only_by_default(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, out, _err = run_cli(root, "codeowners")
    assert (
        code == 0
        and out.startswith("# BEGIN scoped-modules")
        and out.endswith("# END scoped-modules\n")
    )
    assert not (root / ".github/CODEOWNERS").exists()


@pytest.mark.parametrize(
    ("entry", "why"),
    [("src/[ab]*/", "ranges"), ("src/my dir/", "spaces")],
)
def test_unsupported_patterns_are_refused(tmp_path: Path, entry: str, why: str) -> None:
    root = _repo(tmp_path, FOREIGN_TOP)
    text = (root / "scoped.toml").read_text().replace('"src/uma"]', f'"src/uma", "{entry}"]')
    (root / "scoped.toml").write_text(text)
    code, _out, err = run_cli(root, "codeowners", "--write")
    assert code == 1
    assert f"path '{entry}' cannot be written" in err
    assert (root / ".github/CODEOWNERS").read_text() == FOREIGN_TOP


def test_rules_after_the_section_are_warned_about(tmp_path: Path) -> None:
    root = _repo(tmp_path, FOREIGN_TOP)
    run_cli(root, "codeowners", "--write")
    path = root / ".github/CODEOWNERS"
    path.write_text(path.read_text() + "/python/ @acme/python\n")
    code, _out, err = run_cli(root, "codeowners", "--check")
    assert code == 0
    assert "'/python/ @acme/python' comes after the scoped section" in err
