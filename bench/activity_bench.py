"""Benchmark: `scoped activity` against `git log --name-only` over the same range (SPEC §9:
"`scoped activity` over 15,000 commits takes at most twice as long as `git log --name-only`").

Usage::

    python bench/activity_bench.py [--commits 15000] [--runs 5] [--seed 0] [--regen]
    python bench/activity_bench.py --repo /path/to/clone [--window-days 3650]

The generated history (``bench/out/activity-<commits>-s<seed>/``, reused while its HEAD is the
recorded commit) is written with ``git fast-import``; its shape is fixed:

- 15,000 linear commits over 330 days (all inside the default 365-day window);
- 40 modules of 20 files (``contrib/mNN/``) and 1,800 core files in 60 directories;
- commits change 1-6 files of one area (70 % a module, 30 % core); 5 % are tree-wide
  refactors of 40-120 files; 5 % come from ``dependabot[bot]``; 10 % carry a
  ``Co-authored-by:`` trailer;
- 300 authors; the registry knows the emails of the first 150 and names four owners per module.

Both commands run as subprocesses (``scoped`` includes its interpreter start-up), cold for
``scoped`` (``--no-cache``: the history is walked), and with ``--no-merges --since`` for git so
that both walk the same commits (plain ``git log`` also detects renames, which ``scoped`` does not
ask for: a second row shows git without it). The figure is the ratio of the medians. Missing the bar is
reported, not an exit status; a failed command is exit 1.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
GENERATOR_VERSION = 1
DAY = 86400
START = 1_700_000_000  # 2023-11-14T22:13:20Z
SPAN_DAYS = 330
MODULES = 40
MODULE_FILES = 20
CORE_DIRS = 60
CORE_FILES = 30
PEOPLE = 300
KNOWN = 150


def _name(i: int) -> tuple[str, str]:
    first = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu"]
    last = ["Park", "Ng", "Silva", "Okafor", "Schulz", "Moreau", "Ivanova", "Tanaka", "Costa"]
    name = f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]} {i}"
    return name, f"dev{i}@example.org"


def _registry() -> str:
    rng = random.Random(1)
    out = ["schema = 1", "", "[activity]", "window_days = 365", ""]
    for i in range(KNOWN):
        name, email = _name(i)
        out += [
            "[[people.person]]",
            f'handle = "dev{i}"',
            f'name = "{name}"',
            f'emails = ["{email}"]',
            "",
        ]
    for m in range(MODULES):
        owners = ", ".join(f'"dev{o}"' for o in rng.sample(range(KNOWN), 4))
        out += [
            f"[modules.m{m:02d}]",
            'stage = "s0"',
            f'paths = ["contrib/m{m:02d}/"]',
            f"owners = [{owners}]",
            "",
        ]
    return "\n".join(out)


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def generate(dest: Path, commits: int, seed: int) -> str:
    """Write the history with one ``git fast-import``; return HEAD's commit id."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=dest, check=True)
    module_files = [
        f"contrib/m{m:02d}/f{f:02d}.py" for m in range(MODULES) for f in range(MODULE_FILES)
    ]
    core_files = [f"core/d{d:02d}/f{f:02d}.cc" for d in range(CORE_DIRS) for f in range(CORE_FILES)]
    every = module_files + core_files
    chunks: list[bytes] = []
    step = SPAN_DAYS * DAY / commits
    for n in range(commits):
        when = int(START + n * step)
        roll = rng.random()
        if n == 0:
            paths = every + ["scoped.toml"]
        elif roll < 0.05:
            paths = rng.sample(every, rng.randint(40, 120))
        elif roll < 0.75:
            m = rng.randrange(MODULES)
            paths = rng.sample(
                module_files[m * MODULE_FILES : (m + 1) * MODULE_FILES], rng.randint(1, 6)
            )
        else:
            d = rng.randrange(CORE_DIRS)
            paths = rng.sample(core_files[d * CORE_FILES : (d + 1) * CORE_FILES], rng.randint(1, 6))
        if n > 0 and rng.random() < 0.05:
            name, email = "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"
        else:
            name, email = _name(rng.randrange(PEOPLE))
        message = f"change {n}\n"
        if rng.random() < 0.10:
            co_name, co_email = _name(rng.randrange(PEOPLE))
            message += f"\nCo-authored-by: {co_name} <{co_email}>\n"
        ident = f"{name} <{email}> {when} +0000"
        chunks.append(f"commit refs/heads/main\nmark :{n + 1}\n".encode())
        chunks.append(f"author {ident}\ncommitter {ident}\n".encode())
        chunks.append(_data(message))
        if n > 0:
            chunks.append(f"from :{n}\n".encode())
        for p in paths:
            content = _registry() if p == "scoped.toml" else f"{p} at {n}\n"
            chunks.append(f"M 100644 inline {p}\n".encode() + _data(content))
        chunks.append(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=dest, input=b"".join(chunks), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True, check=True
    ).stdout.strip()
    (dest / ".git" / "bench-manifest.json").write_text(
        json.dumps({"head": head, "commits": commits, "seed": seed, "v": GENERATOR_VERSION})
    )
    return head


def cached(dest: Path, commits: int, seed: int) -> bool:
    try:
        manifest = json.loads((dest / ".git" / "bench-manifest.json").read_text())
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, ValueError, subprocess.CalledProcessError):
        return False
    return manifest == {"head": head, "commits": commits, "seed": seed, "v": GENERATOR_VERSION}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children, git included)."""
    cpu, t = _cpu(), time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took, used = time.perf_counter() - t, _cpu() - cpu
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.decode()[-2000:]}")
    return took, used


def window_start(repo: Path, days: int) -> int:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%ct", "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip()) - days * DAY


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--commits", type=int, default=15000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--regen", action="store_true", help="Generate the history again.")
    ap.add_argument("--repo", type=Path, help="Measure this repository instead (needs a registry).")
    ap.add_argument("--config", type=Path, help="Registry for --repo (scoped --config).")
    ap.add_argument("--window-days", type=int, default=365)
    args = ap.parse_args()

    if args.repo:
        repo = args.repo.resolve()
    else:
        repo = OUT / f"activity-{args.commits}-s{args.seed}"
        if args.regen or not cached(repo, args.commits, args.seed):
            print(f"generating {args.commits} commits in {repo} ...", file=sys.stderr)
            t = time.perf_counter()
            generate(repo, args.commits, args.seed)
            print(f"  {time.perf_counter() - t:.1f}s", file=sys.stderr)
    since = window_start(repo, args.window_days)
    count = subprocess.run(
        ["git", "rev-list", "--count", "--no-merges", f"--since=@{since}", "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git_cmd = ["git", "log", "--name-only", "--no-merges", f"--since=@{since}", "HEAD"]
    scoped = [sys.executable, "-m", "scoped_modules.cli"]
    if args.config:
        scoped += ["--config", str(args.config.resolve())]
    activity = [*scoped, "activity", "--format", "json", "--window-days", str(args.window_days)]
    timed(git_cmd, repo)  # warm the page cache for both
    commands = {
        "git log --name-only": git_cmd,
        # what scoped asks git for: no rename detection (a rename's new path is what counts)
        "  same, --no-renames": [*git_cmd[:2], "--no-renames", *git_cmd[2:]],
        "scoped activity (cold)": [*activity, "--no-cache"],
        "scoped activity (warm)": activity,
    }
    timed(activity, repo)  # writes the history cache the warm runs read
    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for _ in range(args.runs):  # interleaved, so that a change in machine load hits all alike
        for k, cmd in commands.items():
            rows[k].append(timed(cmd, repo))
    wall = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in rows.items()}
    print(f"repository: {repo}\ncommits in the window: {count} (window {args.window_days} days)")
    for k in commands:
        runs = ", ".join(f"{w:.3f}" for w, _ in rows[k])
        print(f"  {k:<24} wall {wall[k]:6.3f}s  cpu {cpu[k]:6.3f}s  (wall of each run: {runs})")
    base, cold = "git log --name-only", "scoped activity (cold)"
    ratio, cpu_ratio = wall[cold] / wall[base], cpu[cold] / cpu[base]
    verdict = "meets" if ratio <= 2 else "MISSES"
    print(
        f"ratio scoped activity (cold) / git log --name-only: wall {ratio:.2f} ({verdict} the "
        f"bar of 2), cpu {cpu_ratio:.2f}"
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "activity-results.json").write_text(
        json.dumps(
            {
                "repo": str(repo),
                "commits": int(count),
                "runs": rows,
                "wall": wall,
                "cpu": cpu,
                "ratio": ratio,
                "cpu_ratio": cpu_ratio,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
