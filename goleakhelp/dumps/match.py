"""Match goroutine groups to knowledge-base entries through the entries' dump signatures.

All pattern knowledge lives in the KB (`dump.signatures`); this module only applies it.
A signature scores by how much it pins down: a wait state, each frame pattern, the
creator and, when the source line is known, a source pattern. The best signature of an
entry is that entry's score for the group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from goleakhelp.dumps.group import GoroutineGroup, is_runtime, is_user_code
from goleakhelp.knowledge.entry import DumpSignature, Entry


# How much each kind of fact pins a goroutine down. A frame of a named library function
# says more than the wait state, which every channel operation shares; the blocked source
# line tells a send from a receive but not which library is involved.
STATE_POINTS = 1.0
FRAME_POINTS = 3.0
CREATOR_POINTS = 1.5
SOURCE_POINTS = 1.5
COUNT_POINTS = 3.0  # thousands of goroutines at one place is as telling as a named frame


@dataclass(frozen=True)
class Match:
    id: str
    kind: str  # the entry's kind: "not-a-leak" marks known-normal goroutines
    score: float  # 0..1, higher is more specific
    evidence: tuple[str, ...]
    points: float = 0.0  # the specificity behind `score`; equal points are a tie


@lru_cache(maxsize=4096)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _signature_evidence(sig: DumpSignature, group: GoroutineGroup, source_line: str | None) -> tuple[float, list[str]] | None:
    """(specificity, evidence) when the group fits the signature, else None."""
    evidence: list[str] = []
    points = 0.0
    state = group.state
    if sig.states:
        if state:
            if state not in sig.states:
                return None
            evidence.append(f"wait state [{state}] is one of the signature's states")
            points += STATE_POINTS
        elif not sig.frames and not _source_fits(sig, source_line):
            # Without a state or frames to compare, nothing ties the group to this signature.
            return None
        else:
            evidence.append("this dump form has no wait states, so only frames and source were compared")
    functions = [f.function for f in group.frames]
    if sig.frames:
        for pattern in sig.frames:
            rx = _rx(pattern)
            hit = next((fn for fn in functions if rx.search(fn)), None)
            if hit is None:
                return None
            evidence.append(f"frame {hit} matches {pattern}")
            points += FRAME_POINTS
    else:
        top = next((f for f in group.frames if not is_runtime(f)), None)
        if top is None or not is_user_code(top):
            return None
        evidence.append(f"blocked in the program's own code ({top.function})")
    if sig.min_count:
        if group.count < sig.min_count:
            return None
        evidence.append(f"{group.count:,} goroutines at one place (the signature needs {sig.min_count:,})")
        points += COUNT_POINTS
    if sig.created_by:
        creator = group.created_by.function if group.created_by else None
        if creator is None:
            # Text dumps name every creator but goroutine 1's and the runtime's: no creator,
            # no match. The count forms (debug=1, -traces) name none: nothing to compare.
            if group.state:
                return None
        elif not _rx(sig.created_by).search(creator):
            return None
        else:
            evidence.append(f"created by {creator}, which matches {sig.created_by}")
            points += CREATOR_POINTS
    if sig.source and source_line is not None:
        rx = next((_rx(p) for p in sig.source if _rx(p).search(source_line)), None)
        if rx is not None:
            evidence.append(f"the blocked line `{source_line.strip()}` matches {rx.pattern}")
            points += SOURCE_POINTS
        else:
            points -= SOURCE_POINTS
    return points, evidence


def _source_fits(sig: DumpSignature, source_line: str | None) -> bool:
    return source_line is not None and any(_rx(p).search(source_line) for p in sig.source)


def match_group(group: GoroutineGroup, entries: Iterable[Entry], source_line: str | None = None) -> list[Match]:
    """Every entry whose signature fits the group, best first."""
    found: list[Match] = []
    for entry in entries:
        best: tuple[float, list[str]] | None = None
        for sig in entry.dump_signatures:
            result = _signature_evidence(sig, group, source_line)
            if result is not None and (best is None or result[0] > best[0]):
                best = result
        if best is not None:
            points = max(best[0], 0.1)
            found.append(Match(entry.id, entry.kind, round(points / (points + 2), 2), tuple(best[1]), points))
    # Known-normal entries win ties: a signature for normal goroutines is written to be exact.
    found.sort(key=lambda m: (m.points, m.kind == "not-a-leak"), reverse=True)
    return found


def tied_best(matches: list[Match]) -> list[Match]:
    """The matches a dump cannot tell apart from the best one."""
    return [m for m in matches if matches and m.points == matches[0].points]
