"""Test helpers: real repositories on disk, with real git history, and the registry, roster
and repository builders the test modules share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

from click.testing import CliRunner

from scoped_modules.cli import main

GIT_ID = [
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.invalid",
    "-c",
    "commit.gpgsign=false",
]


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def git(root: Path, *args: str, env: dict | None = None) -> str:
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        ["git", *GIT_ID, *args], cwd=root, capture_output=True, text=True, env=full_env, check=True
    )
    return out.stdout


def make_repo(root: Path, files: dict[str, str | bytes], commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_tree(root, files)
    git(root, "init", "-q", "-b", "main")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


def identity(author: str, date: str | None = None) -> dict[str, str]:
    """The environment that makes ``Name <email>`` author and committer of a commit (at ``date``,
    an ISO 8601 time, for both the author and the committer date)."""
    name, email = author.rsplit(" <", 1)
    env = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email.rstrip(">"),
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email.rstrip(">"),
    }
    if date is not None:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return env


def commit(
    root: Path,
    files: dict[str, str | bytes] | None = None,
    message: str = "change",
    *,
    author: str | None = None,
    date: str | None = None,
    trailers: tuple[str, ...] = (),
) -> None:
    """Write ``files`` and commit everything (an empty commit when nothing changed), by
    ``Name <email>`` (default: the test identity) at ``date`` (default: now), with ``trailers``
    (``Key: value`` lines) after the message."""
    write_tree(root, files or {})
    git(root, "add", "-A")
    body = message + ("\n\n" + "\n".join(trailers) if trailers else "")
    env = identity(author or "Test <test@example.invalid>", date)
    git(root, "commit", "-q", "--allow-empty", "-m", body, env=env)


def private_copy(template: Path, tmp_path: Path) -> Path:
    """A copy of a repository built once per module (``tmp_path/repo``), for a test that writes."""
    dest = tmp_path / "repo"
    shutil.copytree(template, dest)
    return dest


ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "polyglot"


def repo_from(
    source: Path, dest: Path, ignore: Callable[[str, list[str]], Iterable[str]] | None = None
) -> Path:
    """A git repository at ``dest`` holding a copy of the directory ``source`` (``ignore`` as
    for ``shutil.copytree``), committed once."""
    shutil.copytree(source, dest, ignore=ignore)
    git(dest, "init", "-q", "-b", "main")
    commit(dest, message="copy")
    return dest


def only_insertion(old: str, new: str) -> str:
    """The text inserted into ``old`` to give ``new`` (asserting nothing else changed)."""
    i = 0
    while i < len(old) and old[i] == new[i]:
        i += 1
    j = 0
    while j < len(old) - i and old[len(old) - 1 - j] == new[len(new) - 1 - j]:
        j += 1
    assert i + j == len(old), "bytes outside the insertion changed"
    return new[i : len(new) - j]


# ---------------------------------------------------------------------------------------------
# Registry builders


def person(
    handle: str,
    *,
    name: str | None = None,
    emails: Iterable[str] = (),
    aliases: Iterable[str] = (),
    roles: Iterable[tuple[str, ...]] = (),
    bot: bool = False,
) -> str:
    """One ``[[people.person]]`` table of a roster, then a blank line; ``roles`` are
    (role, since) or (role, since, until) such as ``("pmc", "2020-01-01")``."""
    lines = ["[[people.person]]", f"handle = {json.dumps(handle)}"]
    if name is not None:
        lines.append(f"name = {json.dumps(name, ensure_ascii=False)}")
    for key, values in (("emails", emails), ("aliases", aliases)):
        if values := list(values):
            lines.append(f"{key} = {json.dumps(values, ensure_ascii=False)}")
    if roles := list(roles):
        rows = ", ".join(
            f'{{ role = "{r[0]}", since = {r[1]}' + (f", until = {r[2]} }}" if len(r) > 2 else " }")
            for r in roles
        )
        lines.append(f"roles = [{rows}]")
    if bot:
        lines.append("bot = true")
    return "\n".join(lines) + "\n\n"


def pmc(*handles: str, since: str = "2020-01-01") -> str:
    """PMC members ``handles``, each with the email ``HANDLE@example.org``."""
    return "".join(person(h, emails=[f"{h}@example.org"], roles=[("pmc", since)]) for h in handles)


def env_module(name: str, path: str, env: str) -> dict[str, str]:
    """A registry with one s0 module at ``path`` toggled by the environment variable ``env``,
    and the module's launcher that reads the variable (SM006 wants it read somewhere)."""
    return {
        f"{path}launch.py": f"import os\n\nON = os.environ.get('{env}', '1') == '1'\n",
        "scoped.toml": f"""
            schema = 1

            [modules.{name}]
            stage = "s0"
            paths = ["{path}"]
            toggles = [{{ env = "{env}" }}]
        """,
    }


# The "uma" repository of the end-to-end tests: Python, C++ and CMake, with the module wired
# under its CMake toggle.
UMA_REGISTRY = """
schema = 1

[project]
python_roots = ["python"]
include_roots = ["include"]
{project_extra}

[[people.person]]
handle = "pat"
roles = [{{ role = "pmc", since = 2020-01-01 }}]

[modules.uma]
stage = "{stage}"
paths = ["python/pkg/uma/", "src/uma/", "cmake/UMA.cmake"]
toggles = [{{ cmake = "USE_UMA", define = "PKG_USE_UMA" }}]
owners = ["pat"]
champion = "pat"
{module_extra}
"""

UMA_CMAKE = """
cmake_minimum_required(VERSION 3.18)
project(pkg CXX)
option(USE_UMA "uma" OFF)
file(GLOB CORE src/*.cc)
add_library(pkg ${CORE})
if(USE_UMA)
  include(cmake/UMA.cmake)
endif()
"""


def base_files(
    stage: str = "proposed", project_extra: str = "", module_extra: str = ""
) -> dict[str, str]:
    """The files of the "uma" repository (module ``uma`` at ``stage``)."""
    return {
        "scoped.toml": UMA_REGISTRY.format(
            stage=stage, project_extra=project_extra, module_extra=module_extra
        ),
        "python/pkg/__init__.py": "",
        "python/pkg/core.py": "import os\n",
        "python/pkg/uma/__init__.py": "from . import backend\n",
        "python/pkg/uma/backend.py": "from pkg import core\n\ndef run():\n    return core\n",
        "include/pkg/api.h": "#pragma once\n",
        "src/core.cc": '#include "pkg/api.h"\n',
        "src/uma/uma.cc": '#include "pkg/api.h"\n',
        "src/uma/uma.h": "#pragma once\n",
        "cmake/UMA.cmake": "target_sources(pkg PRIVATE src/uma/uma.cc)\n"
        "target_compile_definitions(pkg PRIVATE PKG_USE_UMA)\n",
        "CMakeLists.txt": UMA_CMAKE,
    }


def findings(report: dict, rule: str | None = None) -> list[dict]:
    """The findings of a JSON report (of ``rule`` only, when given)."""
    return [f for f in report["findings"] if rule is None or f["rule"] == rule]


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        res = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return res.exit_code, res.stdout, res.stderr


def check_json(root: Path, *args: str) -> tuple[int, dict]:
    code, out, err = run_cli(root, "check", "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


SHARED = ROOT.parent / "shared"


def shared_file(*parts: str) -> Path:
    """A file of the reference data in ``../shared/`` beside the checkout.

    A user's fresh clone has no ``../shared/``: the test is skipped with the reason. CI has it and
    sets ``SCOPED_REQUIRE_SHARED=1``, which turns a missing file into a failure, so nothing that
    CI should check is skipped silently there."""
    import pytest

    path = SHARED.joinpath(*parts)
    if not path.is_file():
        reason = f"needs reference data {path} (../shared beside the checkout; CI has it)"
        if os.environ.get("SCOPED_REQUIRE_SHARED") == "1":
            pytest.fail(reason + ", and SCOPED_REQUIRE_SHARED=1")
        pytest.skip(reason)
    return path
