"""From a dump to a report: read, match groups to the KB, judge, join the groups of one
leak into one finding, and rank where to start."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.dumps.judge import LEVELS, judge
from goleakhelp.dumps.match import Evidence, Match, fits_companion, match_group
from goleakhelp.dumps.model import Dump, GoroutineGroup, UserCode
from goleakhelp.dumps.parse import parse_dump
from goleakhelp.dumps.source import DumpSource
from goleakhelp.dumps.sourcecode import SourceTree
from goleakhelp.errors import UserError
from goleakhelp.knowledge.entry import Entry

SAME_LEAK, CONSEQUENCE = "same-leak", "consequence"


@dataclass(frozen=True)
class Related:
    """A group reported inside another group's finding."""

    role: str  # SAME_LEAK or CONSEQUENCE
    group: GoroutineGroup
    matches: tuple[Match, ...]  # what it would have matched alone (not offered as a fix)


@dataclass(frozen=True)
class Finding:
    """One leak: a group of goroutines, judged and matched, with the groups that are part of it."""

    group: GoroutineGroup
    suspicion: str
    reasons: tuple[str, ...]
    matches: tuple[Match, ...]
    source: tuple[str, int, str] | None  # (file under --src, line, text) of the blocked user line
    base_count: int | None  # this group's size in the base dump, when comparing
    related: tuple[Related, ...] = ()
    rank: int = 0  # 1 = start here


@dataclass(frozen=True)
class DumpReport:
    origin: str
    format: str
    total: int
    declared_total: int | None
    states: tuple[tuple[str, int], ...]
    findings: tuple[Finding, ...]  # where to start first
    header: str
    truncated: bool
    notes: tuple[str, ...]
    dumps_found: int
    dump_index: int  # 1-based, which dump of the input was analysed
    base_origin: str | None = None
    base_total: int | None = None
    context: str = ""
    excerpt: bool = False

    @property
    def suspicious(self) -> list[Finding]:
        return [f for f in self.findings if f.suspicion in ("medium", "high")]


def _group_key(group: GoroutineGroup) -> tuple:
    creator = group.created_by.function if group.created_by else None
    return (tuple((f.function, f.file, f.line) for f in group.frames), creator)


def choose_dump(dumps: tuple[Dump, ...], index: int | None, origin: str) -> tuple[Dump, int, list[str]]:
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


def _form_notes(dump: Dump) -> list[str]:
    notes = []
    missing = [what for what, shown in (("goroutine ids", dump.shows.ids), ("wait states", dump.shows.wait_states), ("creators", dump.shows.creators)) if not shown]
    if missing:
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        notes.append(f"this form has no {listed}; matches rely on frames, counts and, with --src, the blocked lines")
    if dump.excerpt:
        notes.append("this is an excerpt: goroutine counts say nothing, so the wait state, its duration and the frames decide")
    if dump.truncated and not any("64 MiB" in n for n in dump.notes):
        notes.append("the dump is cut off inside its last goroutine; that goroutine's frames are kept as far as they go")
    return notes


def _evidence(tree: SourceTree | None, group: GoroutineGroup, user: UserCode) -> tuple[Evidence, tuple[str, int, str] | None]:
    if tree is None or (frame := user.frame(group.frames)) is None:
        return Evidence(), None
    found = tree.line(frame.file, frame.line)
    if found is None:
        return Evidence(), None
    return Evidence(found[1], tree.function_source(frame.file, frame.line)), (found[0], frame.line, found[1])


def _start_here(user: UserCode):
    """The sort key of where to start: most suspicious first; among equals, groups blocked in
    the program's own code, then the ones a KB pattern explains best, then the larger."""

    def key(f: Finding) -> tuple:
        best = f.matches[0].points if f.matches and f.matches[0].kind != "not-a-leak" else 0.0
        return (LEVELS.index(f.suspicion), user.blocked_in(f.group.frames), best, f.group.count + sum(r.group.count for r in f.related))

    return key


def _join_leaks(findings: list[Finding], by_id: dict[str, Entry], start_here) -> list[Finding]:
    """Groups that are one leak become one finding: the KB's `dump.together` says which."""
    taken: set[int] = set()
    joined: dict[int, list[Related]] = {}
    order = sorted(range(len(findings)), key=lambda i: start_here(findings[i]), reverse=True)
    for i in order:
        f = findings[i]
        if i in taken or not f.matches or f.suspicion == "none":
            continue
        entry = by_id.get(f.matches[0].id)
        if entry is None or not entry.dump_companions:
            continue
        for companion in entry.dump_companions:
            for j, other in enumerate(findings):
                if j == i or j in taken or j in joined:
                    continue
                if fits_companion(companion, other.group, f.group.count):
                    taken.add(j)
                    joined.setdefault(i, []).append(Related(companion.role, other.group, other.matches))
    out = []
    for i, f in enumerate(findings):
        if i in taken:
            continue
        related = tuple(joined.get(i, ()))
        if related:
            f = Finding(f.group, f.suspicion, f.reasons + tuple(_related_reason(r, f) for r in related), f.matches, f.source, f.base_count, related)
        out.append(f)
    return out


def _related_reason(r: Related, main: Finding) -> str:
    g = r.group
    where = g.frames[-1].function if g.frames else "?"
    if r.role == SAME_LEAK:
        return f"part of the same leak: {g.count} goroutines [{g.state}] in {where}, one beside each of these"
    alone = f" (alone it would look like {r.matches[0].id}, whose fix would hide this bug)" if r.matches and r.matches[0].id != main.matches[0].id else ""
    return f"consequence, not a cause: {g.count} goroutines [{g.state}] in {where} are the other end of these connections in the same process{alone}"


def analyze_dump(
    source: DumpSource | str,
    entries: Iterable[Entry],
    origin: str = "input",
    index: int | None = None,
    base: DumpSource | str | None = None,
    base_origin: str | None = None,
    src: Path | None = None,
) -> DumpReport:
    entries = list(entries)
    if isinstance(source, str):
        source = DumpSource.from_text(source, origin)
    parsed = parse_dump(source)
    dump, index, notes = choose_dump(parsed.dumps, index, source.origin)
    notes = list(source.notes) + list(dump.notes) + notes + _form_notes(dump)

    base_counts: dict[tuple, int] | None = None
    base_total = None
    if base is not None:
        base_dump = parse_dump(base).dumps[-1]
        base_total = base_dump.total
        base_counts = {}
        for g in base_dump.groups:
            base_counts[_group_key(g)] = base_counts.get(_group_key(g), 0) + g.count

    tree = SourceTree(src) if src is not None else None
    user = UserCode(tuple(p for e in entries for p in e.dump_library_frames))
    findings = []
    for group in dump.groups:
        known, source_line = _evidence(tree, group, user)
        matches = match_group(group, entries, known, user)
        base_count = base_counts.get(_group_key(group), 0) if base_counts is not None else None
        growth = group.count - base_count if base_count is not None else None
        verdict = judge(group, dump, matches, growth, user=user)
        findings.append(Finding(group, verdict.level, verdict.reasons, tuple(matches), source_line, base_count))
    start_here = _start_here(user)
    findings = _join_leaks(findings, {e.id: e for e in entries}, start_here)
    findings.sort(key=start_here, reverse=True)
    findings = [Finding(f.group, f.suspicion, f.reasons, f.matches, f.source, f.base_count, f.related, n) for n, f in enumerate(findings, 1)]

    states: dict[str, int] = {}
    for group in dump.groups:  # the groups already counted every goroutine's state
        for state, n in group.states:
            states[state or "unknown"] = states.get(state or "unknown", 0) + n
    return DumpReport(
        origin=source.origin if origin == "input" else origin,
        format=dump.format,
        total=dump.total,
        declared_total=dump.declared_total,
        states=tuple(sorted(states.items(), key=lambda kv: kv[1], reverse=True)),
        findings=tuple(findings),
        header=dump.header,
        truncated=dump.truncated,
        notes=tuple(notes),
        dumps_found=len(parsed.dumps),
        dump_index=index,
        base_origin=base_origin,
        base_total=base_total,
        context=dump.context,
        excerpt=dump.excerpt,
    )
