"""From dump text to a report: parse, group, match to the KB, judge, optionally diff and read source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.dumps.group import GoroutineGroup, group_goroutines
from goleakhelp.dumps.judge import LEVELS, judge
from goleakhelp.dumps.match import Match, match_group
from goleakhelp.dumps.model import Dump
from goleakhelp.dumps.parse import parse_dump_text
from goleakhelp.dumps.sourcecode import SourceTree
from goleakhelp.errors import UserError
from goleakhelp.knowledge.entry import Entry


@dataclass(frozen=True)
class Finding:
    """One group of goroutines, judged and matched."""

    group: GoroutineGroup
    suspicion: str
    reasons: tuple[str, ...]
    matches: tuple[Match, ...]
    source: tuple[str, int, str] | None  # (file under --src, line, text) of the blocked user line
    base_count: int | None  # this group's size in the base dump, when comparing


@dataclass(frozen=True)
class DumpReport:
    origin: str
    format: str
    total: int
    declared_total: int | None
    states: tuple[tuple[str, int], ...]
    findings: tuple[Finding, ...]  # most suspicious first
    header: str
    truncated: bool
    notes: tuple[str, ...]
    dumps_found: int
    dump_index: int  # 1-based, which dump of the input was analysed
    base_origin: str | None = None
    base_total: int | None = None

    @property
    def suspicious(self) -> list[Finding]:
        return [f for f in self.findings if f.suspicion in ("medium", "high")]


def _group_key(group: GoroutineGroup) -> tuple:
    creator = group.created_by.function if group.created_by else None
    return (tuple((f.function, f.file, f.line) for f in group.frames), creator)


def choose_dump(dumps: list[Dump], index: int | None, origin: str) -> tuple[Dump, int, list[str]]:
    notes = []
    if index is None:
        index = len(dumps)
    if not 1 <= index <= len(dumps):
        raise UserError(f"{origin} holds {len(dumps)} dump(s); --index must be between 1 and {len(dumps)}")
    if len(dumps) > 1:
        notes.append(
            f"the input holds {len(dumps)} dumps; analysed dump {index} "
            f"({'the last' if index == len(dumps) else 'chosen with --index'}); pick another with --index N"
        )
    return dumps[index - 1], index, notes


def analyze_dump(
    text: str,
    entries: Iterable[Entry],
    origin: str = "input",
    byte_size: int | None = None,
    index: int | None = None,
    base_text: str | None = None,
    base_origin: str | None = None,
    src: Path | None = None,
) -> DumpReport:
    entries = list(entries)
    parsed = parse_dump_text(text, byte_size)
    dump, index, notes = choose_dump(parsed.dumps, index, origin)
    notes = list(dump.notes) + notes
    groups = group_goroutines(dump.goroutines)
    total = dump.total

    base_counts: dict[tuple, int] | None = None
    base_total = None
    if base_text is not None:
        base_dump = parse_dump_text(base_text).dumps[-1]
        base_total = base_dump.total
        base_counts = {}
        for g in group_goroutines(base_dump.goroutines):
            base_counts[_group_key(g)] = base_counts.get(_group_key(g), 0) + g.count

    tree = SourceTree(src) if src is not None else None
    findings = []
    for group in groups:
        source = None
        if tree is not None and (frame := group.user_frame) is not None:
            found = tree.line(frame.file, frame.line)
            if found is not None:
                source = (found[0], frame.line, found[1])
        matches = match_group(group, entries, source[2] if source else None)
        base_count = base_counts.get(_group_key(group), 0) if base_counts is not None else None
        growth = group.count - base_count if base_count is not None else None
        verdict = judge(group, total, matches, growth, dump.format)
        findings.append(Finding(group, verdict.level, verdict.reasons, tuple(matches), source, base_count))
    findings.sort(key=lambda f: (LEVELS.index(f.suspicion), f.group.count), reverse=True)

    states: Counter[str] = Counter()
    for group in groups:  # the groups already counted every goroutine's state
        for state, n in group.states:
            states[state or "unknown"] += n
    if dump.truncated:
        notes.append(
            f"the dump stops at exactly 64 MiB: runtime/pprof cut it there after {total:,} goroutines; "
            "get every goroutine with ?debug=1 (grouped counts) or the protobuf profile (?debug=0 with "
            "`go tool pprof -traces`)"
        )
    if dump.format in ("pprof-debug1", "pprof-leak-debug1", "pprof-traces", "pprof-traces-leak"):
        notes.append("this form has no goroutine ids, wait states or creators; matches rely on frames only")
    return DumpReport(
        origin=origin,
        format=dump.format,
        total=total,
        declared_total=dump.declared_total,
        states=tuple(states.most_common()),
        findings=tuple(findings),
        header=dump.header,
        truncated=dump.truncated,
        notes=tuple(notes),
        dumps_found=len(parsed.dumps),
        dump_index=index,
        base_origin=base_origin,
        base_total=base_total,
    )
