"""Bounded fuzzing of the vote evidence readers (issue 13, "the campaign"): mbox archives,
GitHub comment exports and TOML ballot files, from valid seeds mutated byte by byte and from
generated structures with hostile values (dates at the ends of the calendar, wrong types, deep
nesting, broken MIME, gzip). A reader may refuse a file with a ScopedError naming it; anything
else (a traceback) or an example running longer than ``SCOPED_FUZZ_SECONDS`` is a failure.

``SCOPED_FUZZ_EXAMPLES`` sets the examples per target (default 30, as in ``make test``); each
target prints how many examples it ran (helpers in ``test_fuzz_registry``).
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fuzzing import bounded
from hypothesis import strategies as st
from test_fuzz_registry import fuzz, mutated
from test_governance_support import github_pages, vote_mails
from test_governance_tally import CLOSES, MODULE, NOW, OPENED, ROSTER

from scoped_modules.errors import ScopedError
from scoped_modules.governance.evidence import read_evidence, read_file
from scoped_modules.governance.tally import tally
from scoped_modules.registry.profiles import BUILTIN_PROFILES

pytestmark = pytest.mark.fuzz


PUNCTUATION_CHUNKS = [
    b"\n\n",
    b"\nFrom x@y Mon Jan  1 00:00:00 2022\n",
    b"\n--XYZ--\n",
    b"=?utf-8?b?////?=",
    b"=?x-unknown?q?=FF?=",
    b"\nContent-Transfer-Encoding: base64\n",
    b'\nContent-Type: multipart/mixed; boundary="XYZ"\n',
    b"\nDate: Mon, 1 Jan 0001 00:00:00 +0100\n",
    b"\nDate: Fri, 31 Dec 9999 23:59:59 -2359\n",
    b"> +1\n",
    b"[ ] +1\n",
    b"\xef\xbb\xbf",
]


def _mbox_seed() -> bytes:
    out = []
    for m in vote_mails():
        out.append(b"From x@example.org Thu Jun  2 10:00:00 2022\n" + m.as_bytes() + b"\n")
    return b"".join(out)


MBOX_SEEDS = [_mbox_seed()]
GITHUB_SEEDS = [json.dumps(github_pages()).encode(), json.dumps(github_pages()[0]).encode()]
TOML_SEEDS = [
    b'[[ballot]]\nvoter = "p1"\nvote = "+1"\nat = 2022-06-02T10:00:00Z\n'
    b'source = "https://lists.example/t/1"\nnote = "(binding)"\n\n'
    b'[[ballot]]\nvoter = "c1"\nvote = -1\nat = 2022-06-03\n',
    b'ballot = [{ voter = "p2", vote = "0", at = 2022-06-04T00:00:00+02:00 }]\n',
]


def read_and_count(files: list[tuple[str, bytes]]) -> None:
    """Read the files and count them: refusing with a ScopedError is fine, nothing else is."""
    try:
        ev = read_evidence(files)
    except ScopedError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    for profile in ("tvm-s0", "lazy-two-thirds"):
        res = tally(
            ev.entries, ROSTER, BUILTIN_PROFILES[profile], OPENED, CLOSES, NOW, MODULE, "establish"
        )
        json.dumps(res.to_json())


def read_one(name: str) -> Callable[[bytes], None]:
    def check(data: bytes) -> None:
        with contextlib.suppress(ScopedError):
            read_file(data, name)
        read_and_count([(name, data)])

    return check


def test_fuzz_mbox(capsys: Any) -> None:
    fuzz("mbox", mutated(MBOX_SEEDS, PUNCTUATION_CHUNKS), read_one("votes/a.mbox"), capsys)


def test_fuzz_github_json(capsys: Any) -> None:
    fuzz(
        "github-json bytes",
        mutated(GITHUB_SEEDS, PUNCTUATION_CHUNKS),
        read_one("votes/c.json"),
        capsys,
    )


def test_fuzz_toml_ballots(capsys: Any) -> None:
    fuzz(
        "toml-ballots bytes",
        mutated(TOML_SEEDS, PUNCTUATION_CHUNKS),
        read_one("votes/b.toml"),
        capsys,
    )


def test_fuzz_gzip(capsys: Any) -> None:
    gz = st.one_of(
        mutated(MBOX_SEEDS + TOML_SEEDS, PUNCTUATION_CHUNKS).map(gzip.compress),
        mutated([gzip.compress(s) for s in MBOX_SEEDS + GITHUB_SEEDS], PUNCTUATION_CHUNKS),
    )
    fuzz("gzip", gz, read_one("votes/a.mbox.gz"), capsys)


# ---------------------------------------------------------------------------------------------
# Generated structures with hostile values

EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-00:01",
    "9999-12-31T23:59:59Z",
    "2022-06-02T10:00:00",
    "2022-06-02",
    "2022-02-30T00:00:00Z",
    "",
    "not a date",
]
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(EDGE_TIMES),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.sampled_from(["+1", "-1 (binding)", "0", "> +1", "[ ] +1", "+0.5", "\u22121", ""]),
    st.text(max_size=60),
)


@st.composite
def github_exports(draw: st.DrawFn) -> bytes:
    comments = []
    for n in range(draw(st.integers(min_value=0, max_value=6))):
        c: dict[str, Any] = {
            "id": draw(st.one_of(st.integers(min_value=1, max_value=50), json_scalars)),
            "html_url": draw(st.sampled_from([f"https://github.com/o/r/pull/1#c-{n}", None, 3])),
            "user": draw(
                st.one_of(
                    st.fixed_dictionaries(
                        {
                            "login": st.sampled_from(["p1", "c2", "x[bot]", "", 7]),
                            "type": st.sampled_from(["User", "Bot", None]),
                        }
                    ),
                    json_values,
                )
            ),
            "created_at": draw(st.sampled_from(EDGE_TIMES[:4] + ["2022-06-02T10:00:00Z"])),
            "updated_at": draw(st.sampled_from(EDGE_TIMES)),
            "body": draw(st.one_of(bodies, json_values)),
        }
        for key in draw(st.lists(st.sampled_from(sorted(c)), max_size=2, unique=True)):
            del c[key]
        comments.append(c)
    doc: Any = comments
    if draw(st.booleans()):
        doc = [comments, draw(st.lists(json_values, max_size=2))]
    return json.dumps(doc).encode()


toml_scalars = st.one_of(
    st.sampled_from(
        EDGE_TIMES[:4] + ['"+1"', '"-1"', '"\u22121"', "1", "-1", "2", "true", "nan", "inf"]
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=10).map(json.dumps),
)


@st.composite
def ballot_files(draw: st.DrawFn) -> bytes:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        out.append("[[ballot]]")
        for key in draw(
            st.lists(
                st.sampled_from(["voter", "vote", "at", "source", "note", "vot"]),
                max_size=5,
                unique=True,
            )
        ):
            value = draw(toml_scalars)
            depth = draw(st.sampled_from([0, 0, 0, 1, 50, 3000]))
            out.append(f"{key} = {'[' * depth}{value}{']' * depth}")
    return ("\n".join(out) + "\n").encode()


def test_fuzz_github_structures(capsys: Any) -> None:
    fuzz("github-json structures", github_exports(), read_one("votes/c.json"), capsys)


def test_fuzz_toml_ballot_structures(capsys: Any) -> None:
    fuzz("toml-ballots structures", ballot_files(), read_one("votes/b.toml"), capsys)


def test_fuzz_several_files(capsys: Any) -> None:
    files = st.lists(
        st.tuples(
            st.sampled_from(["votes/a.mbox", "votes/b.toml", "votes/c.json", "votes/d"]),
            st.one_of(
                mutated(MBOX_SEEDS, PUNCTUATION_CHUNKS),
                mutated(TOML_SEEDS, PUNCTUATION_CHUNKS),
                github_exports(),
            ),
        ),
        max_size=3,
        unique_by=lambda f: f[0],
    )
    fuzz("several files", files, read_and_count, capsys)


def test_bounded_stops_a_hang() -> None:
    """The guard itself: a loop that never ends is stopped and reported."""
    start = datetime.now(UTC)
    with pytest.raises(TimeoutError), bounded(0.2):
        while True:
            pass
    assert (datetime.now(UTC) - start).total_seconds() < 5
