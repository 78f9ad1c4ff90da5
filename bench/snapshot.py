"""Normalised ``scoped check --format json`` of the example, the project itself and a generated
repository, so a change that must keep behaviour can be compared before and after:

    python bench/snapshot.py /tmp/before      # on the old commit
    python bench/snapshot.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after

Timing and the absolute root are removed; everything else is kept as printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
SCOPED = [sys.executable, "-m", "scoped_modules.cli", "--now", "2026-01-01T00:00:00Z"]
GIT = [
    "git",
    "-c",
    "user.name=s",
    "-c",
    "user.email=s@example.invalid",
    "-c",
    "commit.gpgsign=false",
]


def normalised(cmd: list[str], cwd: Path) -> str:
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        return f"exit {out.returncode}\n{out.stderr}"
    data = json.loads(out.stdout)
    data["root"] = "."
    data["summary"]["seconds"] = 0
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def commit_tree(repo: Path) -> None:
    # a fixed date, so that the commit id (which SM011's notes quote) is the same every time
    when = "2025-12-31T00:00:00Z"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "snapshot"], cwd=repo, check=True, env=env)


def main(out_dir: Path, files: int = 3000) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    check = [*SCOPED, "check", "--no-cache", "--format", "json"]
    with tempfile.TemporaryDirectory(prefix="scoped-snapshot-") as tmp:
        example = Path(tmp) / "example"
        shutil.copytree(PROJECT / "examples" / "polyglot", example)
        commit_tree(example)
        (out_dir / "example.json").write_text(normalised(check, example))
        (out_dir / "self.json").write_text(normalised(check, PROJECT))
        gen = Path(tmp) / "gen"
        subprocess.run(
            [sys.executable, str(HERE / "gen.py"), "--files", str(files), "--out", str(gen)],
            check=True,
            capture_output=True,
        )
        if not (gen / ".git").exists():
            commit_tree(gen)
        (out_dir / "generated.json").write_text(normalised(check, gen))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3000)
