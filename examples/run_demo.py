"""`make demo`: run `scoped` on the bundled example repository and compare with its intended findings.

Copies ``examples/polyglot`` to a temporary directory, makes it a git repository with its own
commit identity (a fresh machine needs no git configuration), runs ``scoped check`` and
``scoped deps``, prints what they say, and exits 0 only when the findings are exactly those in
``examples/expected.json``.
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
EXAMPLE = HERE / "polyglot"
EXPECTED = HERE / "expected.json"
SCOPED = [sys.executable, "-m", "scoped_modules.cli"]
GIT_ID = [
    "-c",
    "user.name=scoped demo",
    "-c",
    "user.email=demo@example.invalid",
    "-c",
    "commit.gpgsign=false",
]


def run(cmd: list[str], cwd: Path, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=check)


def key(f: dict) -> tuple:
    return (f["module"], f["rule"], f["severity"], f["path"], f["line"])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="scoped-demo-") as tmp:
        repo = Path(tmp) / "acme"
        shutil.copytree(EXAMPLE, repo)
        env_git = ["git", *GIT_ID]
        run(["git", "init", "-q", "-b", "main"], repo, check=True)
        run(["git", "add", "-A"], repo, check=True)
        run([*env_git, "commit", "-q", "-m", "acme example"], repo, check=True)

        print("$ scoped check", flush=True)
        text = run([*SCOPED, "check"], repo)
        print(text.stdout + text.stderr)
        for module in ("legacy_io", "accel"):
            print(f"$ scoped deps {module}")
            deps = run([*SCOPED, "deps", module], repo)
            print(deps.stdout + deps.stderr)

        result = run([*SCOPED, "check", "--format", "json"], repo)
        if result.returncode not in (0, 1):
            print(
                f"scoped check failed (exit {result.returncode}):\n{result.stderr}", file=sys.stderr
            )
            return 2
        found = json.loads(result.stdout)["findings"]
    expected = json.loads(EXPECTED.read_text())["findings"]
    got = sorted(key(f) for f in found)
    want = sorted(key(f) for f in expected)
    if got == want:
        print(f"demo: OK — exactly the {len(want)} intended findings (examples/expected.json)")
        return 0
    print("demo: findings differ from examples/expected.json", file=sys.stderr)
    for k in sorted(set(want) - set(got)):
        print(f"  missing:    {k}", file=sys.stderr)
    for k in sorted(set(got) - set(want)):
        print(f"  unexpected: {k}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
