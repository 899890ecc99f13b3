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


@dataclass(frozen=True)
class Match:
    id: str
    kind: str  # the entry's kind: "not-a-leak" marks known-normal goroutines
    score: float  # 0..1, higher is more specific
    evidence: tuple[str, ...]


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
            points += 1
        else:
            evidence.append("this dump form has no wait states, so only frames were compared")
    functions = [f.function for f in group.frames]
    if sig.frames:
        for pattern in sig.frames:
            rx = _rx(pattern)
            hit = next((fn for fn in functions if rx.search(fn)), None)
            if hit is None:
                return None
            evidence.append(f"frame {hit} matches {pattern}")
            points += 2
    else:
        top = next((f for f in group.frames if not is_runtime(f)), None)
        if top is None or not is_user_code(top):
            return None
        evidence.append(f"blocked in the program's own code ({top.function})")
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
            points += 1.5
    if sig.source and source_line is not None:
        rx = next((_rx(p) for p in sig.source if _rx(p).search(source_line)), None)
        if rx is not None:
            evidence.append(f"the blocked line `{source_line.strip()}` matches {rx.pattern}")
            points += 1.5
        else:
            points -= 1
    return points, evidence


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
            score = round(max(0.05, min(1.0, 0.25 + 0.15 * best[0])), 2)
            found.append(Match(entry.id, entry.kind, score, tuple(best[1])))
    # Known-normal entries win ties: a signature for normal goroutines is written to be exact.
    found.sort(key=lambda m: (m.score, m.kind == "not-a-leak"), reverse=True)
    return found
