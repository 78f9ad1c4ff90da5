"""The CI surface: SARIF, JUnit and GitHub output of a pull request; ``action.yml``, the
pre-commit hooks and the examples of ``docs/ci.md``, checked against the official schemas
(check-jsonschema's vendored copies, offline) and run for real where they can be."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import commit, git, make_repo, run_cli, shared_file, write_tree
from junitparser import Failure, JUnitXml

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

REGISTRY = """
schema = 1

[project]
name = "pr-demo"
governance = false

[modules.uma]
stage = "s0"
paths = ["python/app/uma/"]
toggles = [{ env = "USE_UMA" }]

[modules.cutlass]
stage = "s1"
paths = ["python/app/cutlass/"]
toggles = [{ env = "USE_CUTLASS" }]
"""


def _pull_request(tmp_path: Path) -> Path:
    """main: two modules and a core package with one old violation; branch `pr`: a new
    violation and a mixed change."""
    root = make_repo(
        tmp_path / "repo",
        {
            "scoped.toml": REGISTRY,
            "python/app/__init__.py": "",
            "python/app/core.py": "import os\n\n\ndef main():\n    return os.getcwd()\n",
            "python/app/legacy.py": "from app.cutlass import gemm\n",
            "python/app/uma/__init__.py": "def run():\n    return 1\n",
            "python/app/cutlass/__init__.py": "",
            "python/app/uma/toggle.py": 'import os\n\nON = os.environ.get("USE_UMA")\n',
            "python/app/cutlass/toggle.py": 'import os\n\nON = os.environ.get("USE_CUTLASS")\n',
            "python/app/cutlass/gemm.py": "def gemm():\n    return 2\n",
        },
    )
    git(root, "checkout", "-q", "-b", "pr")
    commit(
        root,
        {
            "python/app/uma/__init__.py": "def run():\n    return 3\n",
            "python/app/core.py": (
                "import os\n\nfrom app.uma import run\n\n\ndef main():\n    return run()\n"
            ),
        },
        "uma: run from core",
    )
    return root


def _sarif(root: Path, *args: str) -> dict:
    code, out, err = run_cli(root, "check", "--changed", "main", "--format", "sarif", *args)
    assert code == 1, err
    return json.loads(out)


def _validate_sarif(log: dict) -> None:
    schema = json.loads(shared_file("data", "sarif", "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)


# --- formats on a pull request ------------------------------------------------------------------


def test_sarif_of_a_pull_request_is_valid_and_fingerprints_survive_moves(tmp_path: Path) -> None:
    root = _pull_request(tmp_path)
    before = _sarif(root)
    _validate_sarif(before)
    results = before["runs"][0]["results"]
    # core.py imports uma (s0), legacy.py imports cutlass (s1: still an error), uma is mixed
    assert sorted((r["ruleId"], r["level"]) for r in results) == [
        ("SM003", "error"),
        ("SM003", "error"),
        ("SM012", "error"),
    ]
    lines = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["locations"][0][
            "physicalLocation"
        ].get("region", {})
        for r in results
        if r["ruleId"] == "SM003"
    }
    assert lines["python/app/core.py"]["startLine"] == 3
    # move the import down and re-indent it inside a function: same alert, new line
    write_tree(
        root,
        {
            "python/app/core.py": (
                '"""Core."""\n\nimport os\n\n\ndef main():\n'
                "    from  app.uma  import run\n\n    return run()\n"
            ),
            "python/app/legacy.py": "# moved down\n\nfrom app.cutlass import gemm\n",
        },
    )
    after = _sarif(root)
    _validate_sarif(after)

    def prints(log: dict) -> dict[str, tuple[str, int]]:
        return {
            r["partialFingerprints"]["scopedFinding/v1"]: (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0),
            )
            for r in log["runs"][0]["results"]
            if r["ruleId"] == "SM003"
        }

    old, new = prints(before), prints(after)
    assert set(old) == set(new) and len(old) == 2
    moved = [fp for fp in old if old[fp][1] != new[fp][1]]
    assert len(moved) == 2  # both findings changed line, both kept their fingerprint


def test_identical_findings_in_one_file_get_distinct_fingerprints(tmp_path: Path) -> None:
    root = _pull_request(tmp_path)
    write_tree(
        root,
        {
            "python/app/core.py": "from app.uma import run\n\n\ndef f():\n    from app.uma import run\n"
        },
    )
    log = _sarif(root)
    prints = [
        r["partialFingerprints"]["scopedFinding/v1"]
        for r in log["runs"][0]["results"]
        if r["ruleId"] == "SM003" and "core.py" in json.dumps(r["locations"])
    ]
    assert len(prints) == 2 and len(set(prints)) == 2
    assert {p.rsplit(":", 1)[1] for p in prints} == {"1", "2"}


def test_junit_of_a_pull_request_parses_back(tmp_path: Path) -> None:
    root = _pull_request(tmp_path)
    code, out, _err = run_cli(root, "check", "--changed", "main", "--format", "junit")
    assert code == 1
    report = tmp_path / "junit.xml"
    report.write_text(out)
    xml = JUnitXml.fromfile(str(report))
    cases = {(suite.name, case.name): case for suite in xml for case in suite}
    # one case per (module, rule): the pairs are unique and SM012 fails for uma
    assert len(cases) == sum(1 for suite in xml for _case in suite)
    uma_sm012 = cases[("uma", "SM012 mixed-change")]
    assert any(isinstance(r, Failure) for r in uma_sm012.result)
    uma_sm003 = cases[("uma", "SM003 inbound-reference")]
    assert any(isinstance(r, Failure) for r in uma_sm003.result)
    assert not cases[("uma", "SM001 missing-path")].result


def test_github_format_writes_the_job_summary(tmp_path: Path, monkeypatch) -> None:
    root = _pull_request(tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _err = run_cli(root, "check", "--changed", "main", "--format", "github")
    assert code == 1
    assert "::error file=python/app/core.py,line=3,title=SM003 inbound-reference::" in out
    text = summary.read_text()
    assert text.startswith("earlier step\n## scoped check\n")  # appended, not overwritten
    rows = [line for line in text.splitlines() if line.startswith("| uma |")]
    assert "| uma | SM003 inbound-reference | 1 | 0 | 0 |" in rows
    assert "| uma | SM012 mixed-change | 1 | 0 | 0 |" in rows
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    summary.write_text("")
    run_cli(root, "check", "--format", "github")
    assert summary.read_text() == ""


def test_text_output_at_scale_groups_and_counts(tmp_path: Path) -> None:
    files = {f"python/app/user{i:02d}.py": "import app.uma\n" for i in range(30)}
    root = _pull_request(tmp_path)
    write_tree(root, files)
    _code, out, _err = run_cli(root, "check", "--max-per-rule", "5")
    lines = out.splitlines()
    uma = lines[lines.index("module uma (s0): error") :]
    uma = uma[: uma.index("")]
    shown = [line for line in uma if "ERROR SM003" in line]
    assert len(shown) == 5  # core.py and user00-03, in path order
    assert "  … and 26 more SM003 findings here (use --all or --format json)" in lines
    table = lines[lines.index("counts") + 1 :]
    assert re.match(r"\s+module\s+rule\s+errors\s+warnings\s+notes", table[0])
    assert re.match(r"\s+uma\s+SM003\s+31\s+0\s+0", next(r for r in table if "uma" in r))
    _code, out, _err = run_cli(root, "check", "--all")
    assert sum(1 for line in out.splitlines() if "ERROR SM003" in line) == 32  # + cutlass
    code, data_out, _err = run_cli(root, "check", "--format", "json", "--max-per-rule", "1")
    assert len(json.loads(data_out)["findings"]) >= 31  # machine formats carry everything


# --- action.yml, workflows, GitLab CI, pre-commit ----------------------------------------------


def _jsonschema_cli(schema: str, *files: Path) -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is a dev dependency")
    out = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def _doc_files(tmp_path: Path) -> dict[str, Path]:
    """The files docs/ci.md shows, each under a `<!-- file: NAME -->` marker."""
    text = (PROJECT / "docs" / "ci.md").read_text()
    found = re.findall(r"<!-- file: (\S+) -->\n```ya?ml\n(.*?)```", text, re.S)
    out: dict[str, Path] = {}
    for name, body in found:
        path = tmp_path / "docs-files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        out[name] = path
    return out


def test_action_yml_is_a_valid_composite_action() -> None:
    _jsonschema_cli("vendor.github-actions", PROJECT / "action.yml")
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    uses = [s["uses"].split("@")[0] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    scripts = "\n".join(s.get("run", "") for s in action["runs"]["steps"])
    assert "${{" not in scripts  # inputs reach the scripts through env only (no injection)
    assert "fetch-depth: 0" in action["inputs"]["base"]["description"]


def test_docs_examples_are_valid(tmp_path: Path) -> None:
    files = _doc_files(tmp_path)
    assert set(files) == {
        ".github/workflows/scoped.yml",
        ".github/workflows/scoped-plain.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".pre-commit-config-local.yaml",
    }
    _jsonschema_cli(
        "vendor.github-workflows",
        files[".github/workflows/scoped.yml"],
        files[".github/workflows/scoped-plain.yml"],
    )
    _jsonschema_cli("vendor.gitlab-ci", files[".gitlab-ci.yml"])
    clientlib = pytest.importorskip("pre_commit.clientlib")
    for name in (".pre-commit-config.yaml", ".pre-commit-config-local.yaml"):
        clientlib.load_config(files[name])
    hooks = clientlib.load_manifest(PROJECT / ".pre-commit-hooks.yaml")
    assert [h["id"] for h in hooks] == ["scoped-check", "scoped-check-all"]
    # the local example runs what the published hook runs
    local = yaml.safe_load(files[".pre-commit-config-local.yaml"].read_text())
    assert local["repos"][0]["hooks"][0]["entry"] == hooks[0]["entry"]


def _action_step(name: str) -> dict:
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def _run_step(step: dict, root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    inputs = {
        "base": "main",
        "baseline": "",
        "only-changed": "false",
        "args": "",
        **{k[6:]: v for k, v in env.items() if k.startswith("INPUT:")},
    }
    step_env = {
        key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m.group(1)], value)
        for key, value in step.get("env", {}).items()
    }
    full = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **step_env,
        **{k: v for k, v in env.items() if not k.startswith("INPUT:")},
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=root,
        env=full,
        capture_output=True,
        text=True,
    )


def test_action_steps_run_on_a_pull_request(tmp_path: Path) -> None:
    """The action's own scripts, run with the inputs a pull request gives them."""
    if not (BIN / "scoped").exists():
        pytest.skip("the scoped console script is not installed next to this Python")
    root = _pull_request(tmp_path)
    temp = tmp_path / "runner"
    temp.mkdir()
    env = {
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(temp / "output"),
        "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
        "INPUT:args": "--ignore SM004",
    }
    sarif_step = _run_step(_action_step("scoped check (SARIF)"), root, env)
    assert sarif_step.returncode == 0, sarif_step.stderr
    output = (temp / "output").read_text()
    assert output == f"file={temp / 'scoped.sarif'}\n"
    log = json.loads((temp / "scoped.sarif").read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"SM003", "SM012"}
    _validate_sarif(log)
    gate = _run_step(_action_step("scoped check"), root, env)
    assert gate.returncode == 1  # the failing check of the pull request
    assert "::error file=python/app/core.py,title=SM012 mixed-change::" in gate.stdout
    assert "| uma | SM012 mixed-change | 1 | 0 | 0 |" in (temp / "summary.md").read_text()
    # a broken registry stops the job at the first step (exit 2), not silently
    (root / "scoped.toml").write_text("schema = 2\n")
    broken = _run_step(_action_step("scoped check (SARIF)"), root, env)
    assert broken.returncode == 2


def _pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=root,
        env={
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home"),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
        },
        capture_output=True,
        text=True,
    )


def test_pre_commit_local_hook_blocks_a_new_violation(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    root = _pull_request(tmp_path)
    config = _doc_files(tmp_path)[".pre-commit-config-local.yaml"]
    shutil.copy(config, root / ".pre-commit-config.yaml")
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-q", "-m", "pre-commit")
    clean = _pre_commit(root, "run", "scoped-check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    write_tree(root, {"python/app/other.py": "import app.uma\n"})
    git(root, "add", "python/app/other.py")
    blocked = _pre_commit(root, "run", "scoped-check")
    assert blocked.returncode == 1
    assert "python/app/other.py:1: ERROR SM003" in blocked.stdout
    assert "legacy.py" not in blocked.stdout  # an unchanged file: --only-changed


def test_pre_commit_try_repo_installs_and_runs_the_published_hook(tmp_path: Path) -> None:
    """`pre-commit try-repo` builds the hook's own environment from this checkout (pip
    installs the project and its three dependencies from the configured index: 20-30 s, so it
    runs in CI, or locally with SCOPED_TEST_PRE_COMMIT=1)."""
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    if not (os.environ.get("CI") or os.environ.get("SCOPED_TEST_PRE_COMMIT")):
        pytest.skip(
            "pip installs the hook environment (slow): set CI=1 or SCOPED_TEST_PRE_COMMIT=1"
        )
    root = _pull_request(tmp_path)
    write_tree(root, {"python/app/other.py": "import app.uma\n"})
    git(root, "add", "python/app/other.py")
    run = _pre_commit(root, "try-repo", str(PROJECT), "scoped-check", "--verbose")
    if run.returncode == 3 or "An unexpected error" in run.stdout + run.stderr:
        pytest.skip(f"pre-commit could not build the hook environment: {run.stdout[-500:]}")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "python/app/other.py:1: ERROR SM003" in run.stdout
