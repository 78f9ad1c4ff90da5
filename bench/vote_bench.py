"""Benchmark: `scoped vote tally` on a 50,000-comment GitHub export and a 20,000-message mbox.

Usage: ``python bench/vote_bench.py [--comments 50000] [--messages 20000] [--runs 3] [--seed 0]``

Both inputs are generated in a temporary directory with a 2,000-person roster:
- the mbox holds one [VOTE] thread of ~80 % of the messages (replies quoting earlier mails, a
  third multipart/alternative, quoted-printable and base64 bodies, Latin-1 and UTF-8 charsets,
  RFC 2047 names, "Name via list" senders, changed votes, GitHub relays) and other threads;
- the export is pages of 100 comments in the REST shape (bots, edited comments, quotes).
Each is tallied by the real command (`scoped vote tally ... --format json`) in a fresh process
(so the figure includes start-up), best of ``--runs``; the target is under 3 s each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.charset import BASE64, QP, Charset
from email.generator import BytesGenerator
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from io import BytesIO
from pathlib import Path

OPENED = datetime(2022, 6, 1, tzinfo=UTC)
CLOSES = datetime(2022, 6, 8, tzinfo=UTC)
NOW = "2022-07-01T00:00:00Z"
PEOPLE = 2000
TARGET_SECONDS = 3.0
QUOTE = "\n".join(f"> line {i} of the proposal text that people quote back" for i in range(12))


def roster(path: Path) -> None:
    lines = []
    for i in range(PEOPLE):
        role = "pmc" if i < 40 else "committer"
        lines += [
            "[[person]]",
            f'handle = "user{i}"',
            f'name = "User Number{i}"',
            f'emails = ["user{i}@example.org"]',
            f'roles = [{{ role = "{role}", since = 2020-01-01 }}]',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _when(rng: random.Random) -> datetime:
    return OPENED + timedelta(seconds=rng.randrange(int((CLOSES - OPENED).total_seconds() * 1.1)))


def _vote(rng: random.Random) -> str:
    return rng.choice(["+1", "+1 (binding)", "+1", "0", "-1 because of the docs", "+1", "Thanks!"])


def mbox(path: Path, messages: int, rng: random.Random) -> None:
    subject = "[VOTE] Establish the bench module"
    out = BytesIO()
    for n in range(messages):
        in_thread = n == 0 or rng.random() < 0.8
        who = rng.randrange(PEOPLE + 500)
        name = f"User Number{who}" if who < PEOPLE else f"Visitor Ünïcode{who}"
        addr = f"user{who}@example.org" if who < PEOPLE else f"v{who}@elsewhere.example"
        if rng.random() < 0.1:
            name, addr = f"{name} via dev", "dev@bench.apache.org"
        if rng.random() < 0.01:
            addr = "notifications@github.com"
        body = f"{_vote(rng)}\n\nOn Mon, Jun 1, 2022 at 10:00 AM Someone <s@example.org> wrote:\n{QUOTE}\n"
        if n == 0:
            body = "Please vote.\n\n[ ] +1 yes\n[ ] 0\n[ ] -1 no\n"
        cs = Charset(rng.choice(["utf-8", "iso-8859-1"]))
        cs.body_encoding = rng.choice([QP, BASE64, None])
        text = MIMEText(body, "plain", cs)
        if rng.random() < 0.33:
            msg = MIMEMultipart("alternative")
            msg.attach(text)
            msg.attach(
                MIMEText(
                    f"<div>{_vote(rng)}</div><blockquote>{QUOTE}</blockquote>", "html", "utf-8"
                )
            )
        else:
            msg = text
        msg["From"] = formataddr((name, addr))
        msg["Date"] = format_datetime(_when(rng))
        msg["Message-ID"] = f"<m{n}@bench>"
        if n == 0:
            msg["Subject"] = subject
        elif in_thread:
            msg["Subject"] = "Re: " + subject
            parent = rng.randrange(n) if n > 1 else 0
            msg["In-Reply-To"] = f"<m{parent}@bench>"
            msg["References"] = f"<m0@bench> <m{parent}@bench>"
        else:
            msg["Subject"] = f"Re: [DISCUSS] topic {n % 300}"
        out.write(f"From {addr} Mon Jun  1 10:00:00 2022\n".encode())
        BytesGenerator(out, mangle_from_=True, maxheaderlen=78).flatten(msg)
        out.write(b"\n")
    path.write_bytes(out.getvalue())


def export(path: Path, comments: int, rng: random.Random) -> None:
    pages, page = [], []
    for n in range(comments):
        who = rng.randrange(PEOPLE + 500)
        login = f"user{who}" if who < PEOPLE else f"visitor{who}"
        bot = rng.random() < 0.02
        created = _when(rng)
        edited = created + timedelta(days=rng.choice([0, 0, 0, 1, 9]))
        page.append(
            {
                "id": 10_000_000 + n,
                "html_url": f"https://github.com/apache/bench/issues/1#issuecomment-{10_000_000 + n}",
                "user": {
                    "login": "bench-bot[bot]" if bot else login,
                    "type": "Bot" if bot else "User",
                },
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "updated_at": edited.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "body": f"{_vote(rng)}\n\n{QUOTE}\n",
            }
        )
        if len(page) == 100:
            pages.append(page)
            page = []
    if page:
        pages.append(page)
    path.write_text(json.dumps(pages), encoding="utf-8")


def timed(args: list[str], cwd: Path, runs: int) -> tuple[float, float, dict]:
    """Best wall time and best CPU time (user + system) of ``runs`` fresh processes."""
    best, best_cpu, doc = float("inf"), float("inf"), {}
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"tally failed ({proc.returncode}): {proc.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best, best_cpu = min(best, elapsed), min(best_cpu, cpu)
        doc = json.loads(proc.stdout)
    return best, best_cpu, doc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=50_000)
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    with tempfile.TemporaryDirectory(prefix="scoped-vote-bench-") as tmp:
        d = Path(tmp)
        roster(d / "roster.toml")
        t = time.perf_counter()
        mbox(d / "votes.mbox", opts.messages, rng)
        export(d / "comments.json", opts.comments, rng)
        print(
            f"generated inputs in {time.perf_counter() - t:.1f}s "
            f"(mbox {(d / 'votes.mbox').stat().st_size / 1e6:.1f} MB, "
            f"export {(d / 'comments.json').stat().st_size / 1e6:.1f} MB)"
        )
        base = [
            sys.executable,
            "-m",
            "scoped_modules.cli",
            "--now",
            NOW,
            "vote",
            "tally",
            "--roster",
            "roster.toml",
            "--opened",
            OPENED.isoformat(),
            "--closes",
            CLOSES.isoformat(),
            "--format",
            "json",
            "--rules",
            "apache-majority",
        ]
        failed = False
        for label, evidence, size in (
            ("github export", "comments.json", f"{opts.comments} comments"),
            ("mbox archive", "votes.mbox", f"{opts.messages} messages"),
        ):
            seconds, cpu, doc = timed([*base, evidence], d, opts.runs)
            ok = seconds < TARGET_SECONDS
            failed |= not ok
            print(
                f"{label:14} {size:>16}: {seconds:5.2f}s wall, {cpu:5.2f}s CPU "
                f"(target < {TARGET_SECONDS:.0f}s: {'ok' if ok else 'MISSED'}; "
                f"{len(doc['ballots'])} ballots, {len(doc['ignored'])} ignored, "
                f"result {doc['result']})"
            )
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
