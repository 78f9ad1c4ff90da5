"""The thin warm path (app/warm.py): a repeated `scoped check` with unchanged inputs replays its
recorded output without importing click or parsing the registry; any change runs the full path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLE, base_files, git, repo_from, write_tree

from scoped_modules.app.warm import inputs_key

PROBE = (
    "import sys\n"
    "sys.argv = ['scoped', *sys.argv[1:]]\n"
    "from scoped_modules.entry import main\n"
    "try:\n    main()\n"
    "except SystemExit as exc:\n"
    "    sys.stdout.flush()\n"
    "    full = 'click' in sys.modules or 'scoped_modules.registry.load' in sys.modules\n"
    "    print('PATH', 'full' if full else 'thin', 'EXIT', exc.code, file=sys.stderr)\n"
)


def scoped(root: Path, *args: str) -> tuple[str, str, int]:
    res = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    last = res.stderr.strip().splitlines()[-1].split()
    assert last[0] == "PATH", res.stderr
    return res.stdout, last[1], int(last[3])


def without_seconds(out: str) -> dict:
    data = json.loads(out)
    data["summary"]["seconds"] = 0
    return data


def violating(repo) -> Path:
    files = base_files(stage="s0")
    files["python/pkg/core.py"] = "from pkg.uma import backend\n"
    return repo(files)


def test_a_repeated_check_replays_without_click(repo) -> None:
    root = violating(repo)
    first, path1, code1 = scoped(root, "check", "--format", "json")
    second, path2, code2 = scoped(root, "check", "--format", "json")
    assert (path1, path2) == ("full", "thin")
    assert code1 == code2 == 1
    assert without_seconds(first) == without_seconds(second)
    assert json.loads(second)["summary"]["seconds"] < 60  # the run time is this run's


def test_text_output_replays_with_this_runs_time(repo) -> None:
    root = violating(repo)
    first, _, _ = scoped(root, "check")
    second, path, code = scoped(root, "check")
    assert path == "thin" and code == 1
    strip = lambda s: s.rsplit(" in ", 1)[0]  # noqa: E731
    assert strip(first) == strip(second) and "970531" not in second


def test_every_input_change_runs_the_full_path(repo) -> None:
    root = violating(repo)
    scoped(root, "check", "--format", "json")
    changes = [
        lambda: write_tree(root, {"python/pkg/core.py": "import os\n"}),  # modified, tracked
        lambda: write_tree(root, {"python/pkg/new.py": "from pkg.uma import backend\n"}),
        lambda: write_tree(root, {"python/pkg/new.py": "import pkg.uma.backend\n"}),  # untracked
        lambda: git(root, "add", "-A"),  # staged: same contents, new index entries
        lambda: (root / "scoped.toml").write_text((root / "scoped.toml").read_text() + "\n"),
    ]
    for change in changes:
        change()
        out, path, _ = scoped(root, "check", "--format", "json")
        assert path == "full", change
        again, path, _ = scoped(root, "check", "--format", "json")
        assert path == "thin" and without_seconds(again) == without_seconds(out)


def test_other_command_lines_and_options_are_not_replayed(repo) -> None:
    root = violating(repo)
    scoped(root, "check", "--format", "json")
    assert scoped(root, "check")[1] == "full"  # another format: recorded separately
    assert scoped(root, "check")[1] == "thin"
    assert scoped(root, "check", "--format", "json")[1] == "thin"  # both kept
    for args in (["check", "--no-cache"], ["--now", "2030-01-01", "check"], ["status"]):
        assert scoped(root, *args)[1] == "full", args
        assert scoped(root, *args)[1] == "full", args


def test_the_key_follows_the_registry_dates(repo) -> None:
    root = violating(repo)
    marks = [1000.0, 2000.0]
    assert inputs_key(root, [], marks, 1500.0) == inputs_key(root, [], marks, 1999.0)
    assert inputs_key(root, [], marks, 1500.0) != inputs_key(root, [], marks, 2000.0)


def test_evidence_files_named_by_the_registry_are_inputs(tmp_path: Path) -> None:
    root = repo_from(EXAMPLE, tmp_path / "acme")
    before, _, _ = scoped(root, "check", "--format", "json")
    assert scoped(root, "check", "--format", "json")[1] == "thin"
    mbox = root / "governance/votes/fastmath-s0.mbox"
    mbox.write_bytes(mbox.read_bytes() + b"\n")  # changed evidence: the pinned sha256 differs
    git(root, "update-index", "--assume-unchanged", "governance/votes/fastmath-s0.mbox")
    after, path, _ = scoped(root, "check", "--format", "json")
    assert path == "full"
    assert [f for f in json.loads(after)["findings"] if f["rule"] == "SM010"]
    assert not [f for f in json.loads(before)["findings"] if f["rule"] == "SM010"]
