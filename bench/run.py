"""Benchmark: `scoped check` against import-linter, tach and plain git floors.

Usage: ``python bench/run.py [--sizes 3000,10000] [--runs 5] [--seed 0] [--regen]``
(``make bench`` runs the defaults). See bench/README.md for what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
import gen  # noqa: E402

BIN = Path(sys.executable).parent
MIB = 1024 * 1024
TOOLS = ["scoped-cold", "scoped-warm", "import-linter", "tach", "git-grep", "git-ls-files"]
PEERS = ("import-linter", "tach")
GREP_RE = r"^\s*(import|from|#\s*include)"


# ------------------------------------------------------------------------------ measuring
@dataclass
class Sample:
    seconds: float
    rc: int
    maxrss: int  # bytes, largest single process of the tree (wait4 rusage)
    tree_rss: int  # bytes, sampled peak of the summed RSS of the process tree
    stdout: Path
    stderr: Path
    cpu: float = 0.0  # user + system seconds of the whole tree (wait4: waited-for descendants)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Polls /proc every 50 ms for the summed RSS of a process and its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total, todo, seen = 0, [self.pid], set()
            while todo:
                p = todo.pop()
                if p in seen:
                    continue
                seen.add(p)
                total += _rss(p)
                todo += _children(p)
            self.peak = max(self.peak, total)
            self.stop.wait(0.05)


def _gnu_time() -> str | None:
    """GNU time, if installed: it reports the tool's own peak RSS (see run_once)."""
    exe = shutil.which("time", path="/usr/bin:/bin")
    if not exe:
        return None
    try:
        p = subprocess.run([exe, "-f", "%M", "-o", os.devnull, "true"], capture_output=True)
    except OSError:
        return None
    return exe if p.returncode == 0 else None


GNU_TIME = _gnu_time()
RSS_SOURCE = (
    "GNU time %M of the tool (largest process of its tree)"
    if GNU_TIME
    else "os.wait4 ru_maxrss (includes the forking benchmark process's size before exec)"
)


def run_once(argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Sample:
    """Run argv with stdout/stderr to files; wall clock and rusage of this child (wait4).

    A child's ru_maxrss starts from the forking process's resident size (the kernel carries
    the high-water mark across exec), so wait4 alone would report ~45 MiB for `git ls-files`.
    When GNU time is installed the tool is started through it (one extra exec, about a
    millisecond) and its %M, measured from a small process, is used instead.
    """
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    rss_file = log.with_suffix(".rss")
    if GNU_TIME:
        rss_file.unlink(missing_ok=True)
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", str(rss_file), *argv]
    with open(out, "wb") as o, open(err, "wb") as e:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(
                argv, cwd=cwd, stdout=o, stderr=e, stdin=subprocess.DEVNULL, env=env
            )
        except OSError as exc:
            e.write(f"cannot start {argv[0]}: {exc}\n".encode())
            return Sample(0.0, 127, 0, 0, out, err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    maxrss = ru.ru_maxrss * 1024  # KiB on Linux
    if GNU_TIME:
        try:
            maxrss = int(rss_file.read_text().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            maxrss = 0
    cpu = ru.ru_utime + ru.ru_stime
    return Sample(seconds, rc, maxrss, max(sampler.peak, maxrss), out, err, cpu)


# --------------------------------------------------------------------------------- tools
@dataclass
class Result:
    tool: str
    argv: list[str]
    samples: list[Sample] = field(default_factory=list)
    counts: list[int | None] = field(default_factory=list)
    failure: str | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None and bool(self.samples)

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.ok else None

    def fail(self, why: str, sample: Sample) -> None:
        if self.failure is None:
            tail = sample.stderr.read_text(errors="replace")[-2000:].strip()
            out = sample.stdout.read_text(errors="replace")[-600:].strip()
            self.failure = f"{why} (exit {sample.rc})"
            self.detail["stderr_tail"] = tail
            self.detail["stdout_tail"] = out


def validate_scoped(sample: Sample, res: Result, manifest: dict) -> int | None:
    text = sample.stdout.read_text(errors="replace")
    if sample.rc not in (0, 1):
        res.fail("scoped check exited with an error", sample)
        return None
    try:
        data = json.loads(text)
        summary = data["summary"]
        findings = data["findings"]
    except (ValueError, KeyError, TypeError):
        res.fail("no JSON result on stdout", sample)
        return None
    if summary.get("files", 0) < manifest.get("min_files", manifest["files"] * 0.9):
        res.fail(f"scanned only {summary.get('files')} files", sample)
        return None
    by_rule: dict[str, int] = {}
    for f in findings:
        if f.get("severity") == "error":
            by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    res.detail.update(
        errors=summary.get("errors"),
        warnings=summary.get("warnings"),
        files=summary.get("files"),
        errors_by_rule=by_rule,
        self_reported_seconds=summary.get("seconds"),
    )
    return by_rule.get("SM003", 0)


def validate_import_linter(sample: Sample, res: Result, manifest: dict) -> int | None:
    text = sample.stdout.read_text(errors="replace")
    m = re.search(r"Contracts: (\d+) kept, (\d+) broken", text)
    if sample.rc not in (0, 1) or not m:
        res.fail("no contract summary", sample)
        return None
    total = int(m.group(1)) + int(m.group(2))
    contracts = manifest.get("contracts", len(manifest["modules"]))
    if total != contracts:
        res.fail(f"{total} contracts checked, expected {contracts}", sample)
        return None
    res.detail.update(kept=int(m.group(1)), broken=int(m.group(2)))
    # "- importer -> imported (l.12, 40)", possibly wrapped by the terminal width
    return sum(
        len(lines.split(",")) for lines in re.findall(r"-> [\w.]+\s*\(l\.([\d,\s]+)\)", text)
    )


def validate_tach(sample: Sample, res: Result, manifest: dict) -> int | None:
    text = sample.stdout.read_text(errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        res.fail("no JSON on stdout", sample)
        return None
    if isinstance(data, dict) or sample.rc not in (0, 1):
        res.fail(f"tach error: {str(data)[:300]}", sample)
        return None
    mods = set(
        manifest.get("python_modules")
        or (f"{manifest['python_package']}.contrib.{m}" for m in manifest["modules"])
    )
    count = 0
    for item in data:
        code = (item.get("Located") or {}).get("details", {}).get("Code", {})
        for detail in code.values():
            if isinstance(detail, dict) and detail.get("definition_module") in mods:
                count += 1
    res.detail["diagnostics"] = len(data)
    return count


def validate_lines(expected: int | None):
    def check(sample: Sample, res: Result, manifest: dict) -> int | None:
        if sample.rc != 0:
            res.fail("non-zero exit", sample)
            return None
        with open(sample.stdout, "rb") as fh:
            n = sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
        if n == 0 or (expected is not None and n != expected):
            res.fail(f"{n} lines of output, expected {expected or 'some'}", sample)
            return None
        return n

    return check


# ----------------------------------------------------------------------------- the bench
def ensure_repo(size: int, seed: int, regen: bool) -> tuple[Path, dict]:
    name = f"repo-{size}-g{gen.GENERATOR_VERSION}-s{seed}"
    repo, mpath = OUT / name, OUT / f"{name}.manifest.json"
    if not regen and repo.is_dir() and mpath.is_file():
        manifest = json.loads(mpath.read_text())
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True
        ).stdout.strip()
        if head == manifest.get("commit") and not dirty:
            print(f"[{size}] using cached {repo.relative_to(HERE.parent)}", file=sys.stderr)
            return repo, manifest
    print(f"[{size}] generating {size} files ...", file=sys.stderr, flush=True)
    if mpath.exists():
        mpath.unlink()
    manifest = gen.generate(repo, size, seed)
    manifest["commit"] = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    mpath.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"[{size}] generated in {manifest['generation_seconds']['total']} s", file=sys.stderr)
    return repo, manifest


def bench_size(size: int, runs: int, seed: int, regen: bool) -> dict:
    repo, manifest = ensure_repo(size, seed, regen)
    il = [str(BIN / "lint-imports"), "--no-cache", "--no-logo", "../.importlinter"]
    return bench_repo(size, repo, manifest, runs, il, repo / "python")


def bench_repo(
    size: int | str, repo: Path, manifest: dict, runs: int, il_argv: list[str], il_cwd: Path
) -> dict:
    """Every tool on ``repo``, ``runs`` interleaved rounds; ``size`` labels the tier."""
    logs = OUT / "logs" / str(size)
    logs.mkdir(parents=True, exist_ok=True)
    cache = repo / ".git" / "scoped"  # where adapters/cache.py keeps the caches
    aside = OUT / f".warm-cache-{size}"  # outside the repository, so never scanned
    scoped = str(BIN / "scoped")
    env_wide = dict(os.environ, COLUMNS="400", NO_COLOR="1", TERM="dumb")
    specs = {
        "scoped-cold": ([scoped, "check", "--no-cache", "--format", "json"], repo, validate_scoped),
        "scoped-warm": ([scoped, "check", "--format", "json"], repo, validate_scoped),
        "import-linter": (il_argv, il_cwd, validate_import_linter),
        "tach": ([str(BIN / "tach"), "check", "--output", "json"], repo, validate_tach),
        "git-grep": (["git", "grep", "-n", "-E", GREP_RE], repo, validate_lines(None)),
        "git-ls-files": (["git", "ls-files"], repo, validate_lines(manifest["files"])),
    }
    # extra floor: the same search with PCRE (glibc's ERE engine is ~8x slower on this pattern)
    pcre = subprocess.run(
        ["git", "grep", "-q", "-P", "^zz_no_match"], cwd=repo, capture_output=True
    ).returncode in (0, 1)
    if pcre:
        specs["git-grep-P"] = (["git", "grep", "-n", "-P", GREP_RE], repo, validate_lines(None))
    tools = TOOLS + (["git-grep-P"] if pcre else [])
    results = {t: Result(t, specs[t][0]) for t in tools}

    def clear_peer_caches() -> None:
        for d in (
            repo / ".tach",
            repo / "python" / ".import_linter_cache",
            repo / ".import_linter_cache",
        ):
            shutil.rmtree(d, ignore_errors=True)

    def measure(tool: str, run: int) -> None:
        argv, cwd, check = specs[tool]
        res = results[tool]
        if tool == "scoped-cold":
            shutil.rmtree(aside, ignore_errors=True)
            if cache.exists():
                cache.rename(aside)
        elif tool in PEERS:
            clear_peer_caches()
        try:
            sample = run_once(argv, cwd, logs / f"{tool}-{run + 1}", env_wide)
        finally:
            if tool == "scoped-cold":
                shutil.rmtree(cache, ignore_errors=True)
                if aside.exists():
                    aside.rename(cache)
        res.samples.append(sample)
        res.counts.append(check(sample, res, manifest))

    # priming run for the warm measurements (untimed, but validated)
    shutil.rmtree(cache, ignore_errors=True)
    prime = Result("scoped-prime", specs["scoped-warm"][0])
    s = run_once(prime.argv, repo, logs / "scoped-prime", env_wide)
    validate_scoped(s, prime, manifest)
    print(
        f"[{size}] priming scoped check: {s.seconds:.2f} s"
        + (f" FAILED: {prime.failure}" if prime.failure else ""),
        file=sys.stderr,
    )

    for run in range(runs):
        order = tools[run % len(tools) :] + tools[: run % len(tools)]
        for tool in order:
            measure(tool, run)
        line = "  ".join(f"{t}={results[t].samples[-1].seconds:.2f}" for t in tools)
        print(f"[{size}] run {run + 1}/{runs}: {line}", file=sys.stderr, flush=True)
    return summarize(size, repo, manifest, results)


PEER_FILES = ("tach.toml", ".tach/", ".import_linter_cache/")


def python_modules(
    registry: dict, is_python: Callable[[str], bool] = lambda path: True
) -> tuple[list[str], dict[str, list[str]], str]:
    """(root packages, module -> dotted names, python root) from a registry's module paths:
    each path under a ``python_roots`` entry for which ``is_python`` holds (a package or a
    ``.py`` file)."""
    roots = [r.rstrip("/") for r in registry.get("project", {}).get("python_roots", ["."])]
    dotted: dict[str, list[str]] = {}
    used_root = ""
    for name, mod in sorted(registry.get("modules", {}).items()):
        for path in mod.get("paths", []):
            for root in roots:
                prefix = "" if root in ("", ".") else root + "/"
                if not path.startswith(prefix):
                    continue
                rel = path[len(prefix) :].rstrip("/")
                rel = rel[: -len(".py")] if rel.endswith(".py") else rel
                if rel and "*" not in rel and is_python(path):
                    dotted.setdefault(name, []).append(rel.replace("/", "."))
                    used_root = used_root or root
    tops = sorted({d.split(".")[0] for ds in dotted.values() for d in ds})
    return tops, dotted, used_root


def prepare_real(repo: Path, config: Path) -> tuple[dict, list[str], Path]:
    """The manifest and the import-linter command for a real repository.

    ``config`` is copied to ``repo/scoped.toml`` (refused when the repository tracks a different
    one). The peers' configurations are generated from the registry's Python module paths: one
    import-linter ``protected`` contract per module (in ``bench/out/real-<name>/``), and a
    ``tach.toml`` at the repository root (tach reads it from there only): the root packages form
    core, each module path is a tach module with ``visibility = []``. The files the peers write
    are added to ``.git/info/exclude`` so that scoped does not scan them.
    """
    import tomllib

    repo, config = repo.resolve(), config.resolve()
    registry = tomllib.loads(config.read_text())
    target = repo / "scoped.toml"
    if config != target:
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "scoped.toml"], cwd=repo, capture_output=True
        )
        if tracked.returncode == 0 and target.read_bytes() != config.read_bytes():
            sys.exit(f"{target} is tracked and differs from {config}: not replacing it")
        shutil.copyfile(config, target)

    def is_python(path: str) -> bool:
        p = repo / path
        return p.suffix == ".py" and p.is_file() or (p / "__init__.py").is_file()

    tops, dotted, py_root = python_modules(registry, is_python)
    if not dotted:
        sys.exit(f"{config}: no module has a path under a python_roots entry; nothing for peers")
    work = OUT / f"real-{repo.name}"
    work.mkdir(parents=True, exist_ok=True)
    il = ["[importlinter]", "root_packages =", *(f"    {t}" for t in tops), ""]
    tach = [f'source_roots = ["{py_root or "."}"]', ""]
    tach += [x for t in tops for x in ("[[modules]]", f'path = "{t}"', "depends_on = []", "")]
    for name, names in dotted.items():
        il += [f"[importlinter:contract:{name}]", f"name = {name} is a scoped module"]
        il += ["type = protected", "protected_modules =", *(f"    {d}" for d in names)]
        il += ["allowed_importers =", *(f"    {d}" for d in names), ""]
        for d in names:
            deps = ", ".join(f'"{t}"' for t in tops)
            tach += [
                "[[modules]]",
                f'path = "{d}"',
                f"depends_on = [{deps}]",
                "visibility = []",
                "",
            ]
    (work / ".importlinter").write_text("\n".join(il))
    (repo / "tach.toml").write_text("\n".join(tach))
    git_dir = subprocess.run(
        ["git", "rev-parse", "--git-dir"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    exclude = (repo / git_dir / "info" / "exclude").resolve()
    exclude.parent.mkdir(parents=True, exist_ok=True)
    have = exclude.read_text().splitlines() if exclude.exists() else []
    with open(exclude, "a") as fh:
        fh.writelines(f"/{p}\n" for p in PEER_FILES if f"/{p}" not in have)
    files = subprocess.run(
        ["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.count("\n")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    manifest = {
        "files": files,
        "min_files": 1,  # the registry may exclude paths
        "modules": sorted(dotted),
        "contracts": len(dotted),
        "python_modules": sorted(d for ds in dotted.values() for d in ds),
        "commit": commit,
        "bytes": sum(
            (repo / p).stat().st_size
            for p in subprocess.run(
                ["git", "ls-files", "-z"], cwd=repo, capture_output=True, text=True, check=True
            ).stdout.split("\0")
            if p and (repo / p).is_file()
        ),
    }
    il_argv = [str(BIN / "lint-imports"), "--no-cache", "--no-logo", str(work / ".importlinter")]
    return manifest, il_argv, repo / py_root


def summarize(size: int | str, repo: Path, manifest: dict, results: dict[str, Result]) -> dict:
    exp = manifest.get("expect")
    tools = {}
    for t, r in results.items():
        counts = {c for c in r.counts if c is not None}
        tools[t] = {
            "status": "ok" if r.ok else "FAILED",
            "failure": r.failure,
            "argv": r.argv,
            "seconds": [round(s.seconds, 4) for s in r.samples],
            "median_seconds": None if r.median is None else round(r.median, 4),
            "cpu_seconds": [round(s.cpu, 3) for s in r.samples],
            "median_cpu_seconds": (
                round(statistics.median(s.cpu for s in r.samples), 3) if r.ok else None
            ),
            "max_rss_mib": round(max((s.maxrss for s in r.samples), default=0) / MIB, 1),
            "tree_rss_mib": round(max((s.tree_rss for s in r.samples), default=0) / MIB, 1),
            "count": counts.pop() if len(counts) == 1 else sorted(counts) or None,
            **r.detail,
        }
    med = {t: results[t].median for t in results}
    peers = [med[p] for p in PEERS if med[p] is not None]
    peer = min(peers) if peers else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a is not None and b else None

    ratios = {
        "scoped_cold_over_fastest_peer": ratio(med["scoped-cold"], peer),
        "scoped_warm_over_fastest_peer": ratio(med["scoped-warm"], peer),
        "scoped_cold_over_git_grep": ratio(med["scoped-cold"], med["git-grep"]),
        "scoped_cold_over_git_grep_P": ratio(med["scoped-cold"], med.get("git-grep-P")),
    }
    bars = {
        "cold_le_fastest_peer": _le(ratios["scoped_cold_over_fastest_peer"], 1.0),
        "warm_le_third_of_peer": _le(ratios["scoped_warm_over_fastest_peer"], 1 / 3),
    }
    if isinstance(size, int) and size >= 100_000:
        rss = max(tools[t]["tree_rss_mib"] for t in ("scoped-cold", "scoped-warm"))
        bars.update(
            cold_under_20s=_le(med["scoped-cold"], 20.0),
            warm_under_2s=_le(med["scoped-warm"], 2.0),
            rss_under_1gib=None if not results["scoped-cold"].ok else rss < 1024,
        )
    verification = (
        {}
        if exp is None
        else {
            "scoped_sm003": {"expected": exp["scoped_sm003"], "got": tools["scoped-cold"]["count"]},
            "import-linter": {
                "expected": exp["peer_python_violations"],
                "got": tools["import-linter"]["count"],
            },
            "tach": {"expected": exp["peer_python_violations"], "got": tools["tach"]["count"]},
        }
    )
    for v in verification.values():
        v["match"] = v["got"] == v["expected"]
    return {
        "size": size,
        "repo": str(repo),
        "generator": {
            k: manifest.get(k)
            for k in (
                "generator_version",
                "seed",
                "files",
                "kinds",
                "commit",
                "generation_seconds",
                "bytes",
            )
        },
        "modules": len(manifest["modules"]),
        "expect": exp,
        "tools": tools,
        "ratios": ratios,
        "bars": bars,
        "verification": verification,
    }


def _le(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def versions() -> dict:
    out = {}
    for name, argv in {
        "scoped": [str(BIN / "scoped"), "--version"],
        "import-linter": [str(BIN / "lint-imports"), "--version"],
        "tach": [str(BIN / "tach"), "--version"],
        "git": ["git", "--version"],
    }.items():
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            out[name] = (p.stdout.strip() or p.stderr.strip()).splitlines()[-1:] or None
            out[name] = out[name][0] if out[name] else None
        except (OSError, subprocess.SubprocessError):
            out[name] = None
    return out


def fmt(x: float | None, spec: str = ".3f") -> str:
    return "n/a" if x is None else format(x, spec)


def print_report(all_results: list[dict]) -> None:
    print(
        f"{'size':>7}  {'tool':<14} {'median s':>9} {'cpu s':>8} {'max RSS MiB':>12} "
        f"{'tree MiB':>9} {'count':>6}  status"
    )
    for r in all_results:
        for t in r["tools"]:
            d = r["tools"][t]
            count = d["count"] if not isinstance(d["count"], list) else "varies"
            print(
                f"{r['size']:>7}  {t:<14} {fmt(d['median_seconds']):>9} "
                f"{fmt(d['median_cpu_seconds'], '.2f'):>8} {d['max_rss_mib']:>12.1f} {d['tree_rss_mib']:>9.1f} {str(count):>6}  "
                f"{d['status']}"
            )
        ra = r["ratios"]
        print(
            f"{r['size']:>7}  ratios: cold/peer {fmt(ra['scoped_cold_over_fastest_peer'])} "
            f"(target <= 1.0), warm/peer {fmt(ra['scoped_warm_over_fastest_peer'])} "
            f"(target <= 0.33), cold/git-grep {fmt(ra['scoped_cold_over_git_grep'], '.1f')}"
            f" (-P: {fmt(ra['scoped_cold_over_git_grep_P'], '.1f')})"
        )
        v = r["verification"]
        scoped = r["tools"]["scoped-cold"]
        if not v:  # a real repository: nothing planted, the counts are for reading
            print(
                f"{r['size']:>7}  found: scoped errors {scoped.get('errors')} (by rule "
                f"{scoped.get('errors_by_rule')}), import-linter {r['tools']['import-linter']['count']}"
                f" illegal imports, tach {r['tools']['tach']['count']} diagnostics on module code"
            )
        else:
            print(
                f"{r['size']:>7}  found: scoped SM003 {v['scoped_sm003']['got']} "
                f"(expected {v['scoped_sm003']['expected']}; all errors {scoped.get('errors')}, "
                f"by rule {scoped.get('errors_by_rule')}), import-linter "
                f"{v['import-linter']['got']}, tach {v['tach']['got']} (expected "
                f"{v['tach']['expected']}: {r['expect']['py_unguarded']} unguarded + "
                f"{r['expect']['py_guarded']} guarded Python imports; peers cannot see guards)"
            )
        bars = ", ".join(
            f"{k}={'n/a' if b is None else ('yes' if b else 'NO')}" for k, b in r["bars"].items()
        )
        print(f"{r['size']:>7}  bars: {bars}")
    for r in all_results:
        for t in r["tools"]:
            d = r["tools"][t]
            if d["status"] != "ok":
                print(
                    f"\n[{r['size']}] {t} FAILED: {d['failure']}\n  argv: {' '.join(d['argv'])}"
                    f"\n  stderr: {d.get('stderr_tail') or '(empty)'}"
                    f"\n  stdout: {d.get('stdout_tail') or '(empty)'}"
                )
        for name, v in r["verification"].items():
            if not v["match"] and v["got"] is not None:
                print(f"[{r['size']}] MISMATCH {name}: found {v['got']}, expected {v['expected']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="scoped check benchmark")
    ap.add_argument(
        "--sizes",
        default="3000,10000",
        help="comma-separated repository sizes in files (e.g. 3000,10000,100000)",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--regen", action="store_true", help="regenerate cached repositories")
    ap.add_argument("--repo", type=Path, help="also a tier on this real git repository")
    ap.add_argument("--config", type=Path, help="with --repo: its registry (copied to scoped.toml)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.repo and not args.config:
        args.config = args.repo / "scoped.toml"
    if args.runs < 1 or not (sizes or args.repo):
        ap.error("need --runs >= 1 and at least one size or --repo")
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    results = [bench_size(size, args.runs, args.seed, args.regen) for size in sizes]
    if args.repo:
        manifest, il_argv, il_cwd = prepare_real(args.repo, args.config)
        label = f"real:{args.repo.resolve().name}"
        results.append(bench_repo(label, args.repo.resolve(), manifest, args.runs, il_argv, il_cwd))
    load_after = os.getloadavg()
    doc = {
        "schema": 1,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_1m_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        },
        "versions": versions(),
        "rss_source": RSS_SOURCE,
        "runs": args.runs,
        "sizes": results,
    }
    (OUT / "results.json").write_text(json.dumps(doc, indent=2) + "\n")
    print_report(results)
    print(f"\nresults: {(OUT / 'results.json').relative_to(HERE.parent)}")
    if max(load_before[0], load_after[0]) > 0.5 * (os.cpu_count() or 1):
        print(
            f"note: load average {load_before[0]:.2f} before / {load_after[0]:.2f} after on "
            f"{os.cpu_count()} CPUs: other work was running, timings are noisy"
        )
    bad = any(t["status"] != "ok" for r in results for t in r["tools"].values()) or any(
        not v["match"] for r in results for v in r["verification"].values()
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
