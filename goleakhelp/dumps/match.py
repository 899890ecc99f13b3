"""Match goroutine groups to knowledge-base entries through the entries' dump signatures.

All pattern knowledge lives in the KB (`dump.signatures`, `dump.together`); this module
only applies it. A signature is checked by the rules in MATCH_RULES, in order: each rule
either rejects the group or adds evidence and points for how much it pins the group down.
The best signature of an entry is that entry's score for the group.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from goleakhelp.dumps.model import GoroutineGroup, UserCode, is_runtime
from goleakhelp.knowledge.entry import DumpCompanion, DumpSignature, Entry

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


@dataclass(frozen=True)
class Evidence:
    """What is known about a group beyond its stack: the blocked source line and the
    source of the function around it (both only with --src)."""

    source_line: str | None = None
    function_source: str | None = None


class _Reject(Exception):
    pass


@dataclass
class _Scoring:
    sig: DumpSignature
    group: GoroutineGroup
    known: Evidence
    user: UserCode
    points: float = 0.0
    evidence: list[str] | None = None

    def add(self, points: float, text: str | None) -> None:
        self.points += points
        if text:
            self.evidence.append(text)


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    apply: Callable[[_Scoring], None]


@lru_cache(maxsize=4096)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _state(s: _Scoring) -> None:
    sig, state = s.sig, s.group.state
    if not sig.states:
        return
    if state:
        if state not in sig.states:
            raise _Reject
        s.add(STATE_POINTS, f"wait state [{state}] is one of the signature's states")
    elif not sig.frames and not _any(sig.source, s.known.source_line):
        # Without a state or frames to compare, nothing ties the group to this signature.
        raise _Reject
    else:
        s.add(0, "this dump form has no wait states, so only frames and source were compared")


def _frames(s: _Scoring) -> None:
    functions = [f.function for f in s.group.frames]
    for pattern in s.sig.frames:
        rx = _rx(pattern)
        hit = next((fn for fn in functions if rx.search(fn)), None)
        if hit is None:
            raise _Reject
        s.add(FRAME_POINTS, f"frame {hit} matches {pattern}")


def _user_code(s: _Scoring) -> None:
    if s.sig.frames:
        return
    top = next((f for f in s.group.frames if not is_runtime(f)), None)
    if top is None or not s.user(top):
        raise _Reject
    s.add(0, f"blocked in the program's own code ({top.function})")


def _min_count(s: _Scoring) -> None:
    if not s.sig.min_count:
        return
    if s.group.count < s.sig.min_count:
        raise _Reject
    s.add(COUNT_POINTS, f"{s.group.count:,} goroutines at one place (the signature needs {s.sig.min_count:,})")


def _creator(s: _Scoring) -> None:
    if not s.sig.created_by:
        return
    creator = s.group.created_by.function if s.group.created_by else None
    if creator is None:
        # Text dumps name every creator but goroutine 1's and the runtime's: no creator,
        # no match. The count forms (debug=1, -traces) name none: nothing to compare.
        if s.group.state:
            raise _Reject
    elif not _rx(s.sig.created_by).search(creator):
        raise _Reject
    else:
        s.add(CREATOR_POINTS, f"created by {creator}, which matches {s.sig.created_by}")


def _source(s: _Scoring) -> None:
    line = s.known.source_line
    if not s.sig.source or line is None:
        return
    rx = next((_rx(p) for p in s.sig.source if _rx(p).search(line)), None)
    if rx is not None:
        s.add(SOURCE_POINTS, f"the blocked line `{line.strip()}` matches {rx.pattern}")
    else:
        s.add(-SOURCE_POINTS, None)


def _context(s: _Scoring) -> None:
    text = s.known.function_source
    if not s.sig.context or text is None:
        return
    for pattern in s.sig.context:
        if m := _rx(pattern).search(text):
            s.add(SOURCE_POINTS, f"the waiting function has `{m.group(0).strip()}` ({pattern})")
            return


def _specificity(s: _Scoring) -> None:
    if s.sig.specificity:
        s.add(s.sig.specificity, None)


MATCH_RULES: tuple[Rule, ...] = (
    Rule("state", "the group's wait state must be one of the signature's states (forms without states skip this)", _state),
    Rule("frames", "every frame regex must match one of the group's frames", _frames),
    Rule("user-code", "a signature without frames matches only goroutines blocked in the program's own code", _user_code),
    Rule("min-count", "a signature with min_count matches only groups at least that large", _min_count),
    Rule("creator", "created_by must match the group's creator (when the form names creators)", _creator),
    Rule("source", "with --src, a blocked line matching `source` confirms the signature, one that does not weakens it", _source),
    Rule("context", "with --src, the waiting function's source matching `context` confirms what the stack cannot show", _context),
    Rule("specificity", "the KB's tie-breaker between look-alikes: the most specific frame wins", _specificity),
)


def _any(patterns: tuple[str, ...], text: str | None) -> bool:
    return text is not None and any(_rx(p).search(text) for p in patterns)


def signature_evidence(
    sig: DumpSignature, group: GoroutineGroup, known: Evidence = Evidence(), rules=None, user: UserCode = UserCode()
) -> tuple[float, list[str]] | None:
    """(specificity, evidence) when the group fits the signature, else None."""
    scoring = _Scoring(sig, group, known, user, 0.0, [])
    try:
        for rule in MATCH_RULES if rules is None else rules:
            rule.apply(scoring)
    except _Reject:
        return None
    return scoring.points, scoring.evidence


def match_group(group: GoroutineGroup, entries: Iterable[Entry], known: Evidence = Evidence(), user: UserCode = UserCode()) -> list[Match]:
    """Every entry whose signature fits the group, best first."""
    found: list[Match] = []
    for entry in entries:
        best: tuple[float, list[str]] | None = None
        for sig in entry.dump_signatures:
            result = signature_evidence(sig, group, known, user=user)
            if result is not None and (best is None or result[0] > best[0]):
                best = result
        if best is not None:
            points = max(best[0], 0.1)
            found.append(Match(entry.id, entry.kind, round(points / (points + 2), 2), tuple(best[1]), points))
    # Known-normal entries win ties: a signature for normal goroutines is written to be exact.
    found.sort(key=lambda m: (m.points, m.kind == "not-a-leak"), reverse=True)
    return found


def fits_companion(companion: DumpCompanion, group: GoroutineGroup, count: int) -> bool:
    """Whether `group` is the other part of a leak whose main group holds `count` goroutines."""
    if companion.states and group.state and group.state not in companion.states:
        return False
    functions = [f.function for f in group.frames]
    if not all(any(_rx(p).search(fn) for fn in functions) for p in companion.frames):
        return False
    if companion.created_by:
        creator = group.created_by.function if group.created_by else None
        if creator is not None and not _rx(companion.created_by).search(creator):
            return False
        if creator is None and group.state:
            return False
    return not companion.same_count or group.count == count


def tied_best(matches: list[Match]) -> list[Match]:
    """The matches a dump cannot tell apart from the best one."""
    return [m for m in matches if matches and m.points == matches[0].points]
