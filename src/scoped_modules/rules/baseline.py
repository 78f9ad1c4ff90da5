"""Baselines (SPEC §5): today's error findings, recorded so that only new ones fail.

A finding is keyed by rule, module, path and a hash of its evidence text (the message when it
has none), with runs of whitespace collapsed: not by line number, so edits above a known finding,
re-indenting it or moving it within its file keep it known. Identical keys count: two identical
imports in one file are two entries, and a third one is new. Pure: reading and writing the file
is the ``baseline`` use case's job.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from .base import Finding

HASH_CHARS = 16  # 64 bits: collisions need 2**32 findings in one file


def evidence_text(finding: Finding) -> str:
    """What a finding's identity rests on besides rule, module and path, whitespace-normalised."""
    text = finding.evidence if finding.evidence is not None else finding.message
    return " ".join(text.split())


def evidence_hash(finding: Finding) -> str:
    return hashlib.sha256(evidence_text(finding).encode("utf-8", "surrogatepass")).hexdigest()[
        :HASH_CHARS
    ]


Key = tuple[str, str, str, str]  # rule, module ("" for none), path ("" for none), hash


def key_of(finding: Finding) -> Key:
    return (finding.rule, finding.module or "", finding.path or "", evidence_hash(finding))


@dataclass(frozen=True)
class Entry:
    rule: str
    module: str | None
    path: str | None
    hash: str
    evidence: str  # first line of the evidence, for the reader of the file (not matched)
    count: int = 1

    @property
    def key(self) -> Key:
        return (self.rule, self.module or "", self.path or "", self.hash)


def entries_for(findings: list[Finding]) -> list[Entry]:
    """The baseline entries of ``findings`` (errors only), sorted as the file lists them."""
    counts: Counter[Key] = Counter()
    shown: dict[Key, str] = {}
    for f in findings:
        if f.severity != "error" or f.rule == "SM012":  # SM012 is about a change, not the tree
            continue
        k = key_of(f)
        counts[k] += 1
        shown.setdefault(k, evidence_text(f)[:160])
    out = [Entry(k[0], k[1] or None, k[2] or None, k[3], shown[k], n) for k, n in counts.items()]
    out.sort(key=lambda e: (e.module or "", e.rule, e.path or "", e.evidence, e.hash))
    return out


def match(findings: list[Finding], entries: list[Entry]) -> tuple[list[Finding], int, list[Entry]]:
    """(the findings a baseline does not cover, how many it covered, its stale entries).

    Error findings are covered while their key has count left, in order; warnings and notes pass
    through. An entry whose count is not used up is stale (reported with the count left)."""
    left: Counter[Key] = Counter()
    for e in entries:
        left[e.key] += e.count
    kept: list[Finding] = []
    covered = 0
    for f in findings:
        if f.severity == "error" and f.rule != "SM012":
            k = key_of(f)
            if left[k] > 0:
                left[k] -= 1
                covered += 1
                continue
        kept.append(f)
    stale: list[Entry] = []
    for e in entries:
        n = min(left[e.key], e.count)
        if n > 0:
            left[e.key] -= n
            stale.append(Entry(e.rule, e.module, e.path, e.hash, e.evidence, n))
    return kept, covered, stale
