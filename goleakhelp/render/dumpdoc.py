"""A dump report laid out for reading, shared by the terminal and Markdown renderers.

The words come from the report and the KB (titles, one-line fixes); renderers only format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goleakhelp.dumps.analyze import DumpReport, Finding
from goleakhelp.dumps.match import tied_best
from goleakhelp.i18n import label
from goleakhelp.knowledge.entry import Entry
from goleakhelp.render.paths import short_location

STACK_LINES = 8


@dataclass(frozen=True)
class PatternView:
    id: str
    kind: str
    title: str
    score: float
    why: tuple[str, ...]
    fix: str
    more: str


@dataclass(frozen=True)
class FindingView:
    suspicion: str
    headline: str  # "17 goroutines [chan send] main.leak.func1 (app/main.go:15)"
    evidence: tuple[str, ...]
    pattern: PatternView | None
    tied: tuple[str, ...]  # entries the dump cannot tell apart from the pattern
    also: tuple[str, ...]
    source: str | None  # "app/main.go:15: ch <- v"
    stack: tuple[str, ...]


@dataclass(frozen=True)
class ReportView:
    summary: str
    states: str
    notes: tuple[str, ...]
    suspicious: tuple[FindingView, ...]
    low: tuple[FindingView, ...]
    rest: tuple[FindingView, ...]
    nothing: str | None


def _where(g):
    """The frame that says what these goroutines are: the innermost user frame, else the
    outermost frame, which for library goroutines names their loop (net/http.(*conn).serve)."""
    return g.user_frame or (g.frames[-1] if g.frames else None)


def _headline(f: Finding, lang: str) -> str:
    g = f.group
    where = _where(g)
    text = label("dump_group", lang, count=g.count)
    if f.base_count is not None:
        text += f" ({label('dump_growth', lang, base=f.base_count, count=g.count)})"
    state = ", ".join(s for s, _ in g.states[:2] if s)
    if state:
        text += f" [{state}]"
    if where is not None:
        text += f" {where.function}"
        if where.location:
            text += f" ({short_location(where)})"
    return text


def _evidence(f: Finding, lang: str) -> tuple[str, ...]:
    g = f.group
    items = list(f.reasons)
    low, high = g.wait_minutes
    if high and not any("minutes" in r for r in items):
        items.append(label("dump_waiting", lang, low=low, high=high))
    if g.created_by is not None:
        created = label("dump_created", lang, fn=g.created_by.function)
        if g.parent_count == 1:
            created += " " + label("dump_parent", lang, id=g.parent_ids[0])
        elif g.parent_count > 1:
            created += " " + label("dump_parents", lang, n=g.parent_count)
        items.append(created)
    if g.labels:
        items.append(f"{label('dump_labels', lang)}: " + "; ".join(", ".join(f"{k}={v}" for k, v in ls) for ls in g.labels[:3]))
    return tuple(items)


def _stack(f: Finding) -> tuple[str, ...]:
    g = f.group
    lines = [f"{fr.function}  {short_location(fr)}".rstrip() for fr in g.frames[:STACK_LINES]]
    if len(g.frames) > STACK_LINES or g.frames_elided:
        lines.append(f"... {max(len(g.frames) - STACK_LINES, 0)} more")
    if g.created_by is not None:
        lines.append(f"created by {g.created_by.function}  {short_location(g.created_by)}".rstrip())
    return tuple(lines)


def finding_view(f: Finding, entries: Mapping[str, Entry], lang: str) -> FindingView:
    pattern = None
    tied_ids: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    if f.matches:
        best = f.matches[0]
        entry = entries.get(best.id)
        if entry is not None:
            pattern = PatternView(
                best.id,
                entry.kind,
                entry.title.get(lang),
                best.score,
                best.evidence,
                entry.quick_fix(lang),
                label("more", lang, id=best.id),
            )
        tied_ids = tuple(m.id for m in tied_best(list(f.matches))[1:])
        also = tuple(m.id for m in f.matches[1 + len(tied_ids) : 4 + len(tied_ids)])
    source = f"{f.source[0]}:{f.source[1]}: {f.source[2].strip()}" if f.source else None
    return FindingView(f.suspicion, _headline(f, lang), _evidence(f, lang), pattern, tied_ids, also, source, _stack(f))


def report_view(report: DumpReport, entries: Mapping[str, Entry], lang: str, show_all: bool) -> ReportView:
    views = {id(f): finding_view(f, entries, lang) for f in report.findings}
    suspicious = tuple(views[id(f)] for f in report.findings if f.suspicion in ("medium", "high"))
    low = tuple(views[id(f)] for f in report.findings if f.suspicion == "low")
    rest = tuple(views[id(f)] for f in report.findings if f.suspicion == "none") if show_all else ()
    summary = label(
        "dump_summary", lang, total=f"{report.total:,}", groups=len(report.findings), form=report.format, suspicious=len(suspicious)
    )
    states = ", ".join(f"{s} {n}" for s, n in report.states[:8])
    notes = list(report.notes)
    if report.header:
        notes.insert(0, label("dump_header", lang, header=report.header))
    if report.base_origin is not None:
        notes.insert(0, label("dump_base", lang, origin=report.base_origin, base=report.base_total, total=report.total))
    hidden = sum(1 for f in report.findings if f.suspicion == "none")
    if not show_all and hidden:
        notes.append(label("dump_others", lang, n=hidden))
    nothing = label("dump_nothing", lang) if not suspicious else None
    return ReportView(summary, states, tuple(notes), suspicious, low, rest, nothing)
