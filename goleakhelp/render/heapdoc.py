"""A heap-profile report laid out for reading, for the terminal (and any later text renderer).

The words come from the report, the KB (titles, heap notes, one-line fixes) and i18n labels;
renderers only format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goleakhelp.dumps.model import Frame
from goleakhelp.i18n import label
from goleakhelp.knowledge.entry import Entry
from goleakhelp.profiles.heap import (
    MIN_SHARE,
    HeapReport,
    HeapSite,
    Holder,
    PatternCoverage,
    SiteFinding,
    leading_patterns,
    short_function,
    where_frames,
)
from goleakhelp.render.paths import short_location

MIN_HOLDER_SHARE = 0.001  # unexplained memory below this is not worth a line
WHERE_LINES = 3  # sites shown per pattern
STACK_SITES = 5  # largest sites shown with their stacks
STACK_LINES = 6


@dataclass(frozen=True)
class HeapPatternView:
    id: str
    kind: str
    title: str
    held: str  # "6.0 MiB (74.5%) at 2 sites"
    evidence: tuple[str, ...]  # "io.ReadAll matches ^io\.ReadAll$"
    where: tuple[str, ...]  # "io.ReadAll ← main.keepUploadHeads (heapgen/main.go:43): 6.0 MiB"
    tied: tuple[str, ...]  # entries the profile cannot tell apart from this one
    note: str  # the entry's heap note
    fix: str
    more: str


@dataclass(frozen=True)
class HeapSiteView:
    headline: str  # "6.0 MiB in 6 objects (74.5%)  io.ReadAll ← main.keepUploadHeads (heapgen/main.go:43)"
    patterns: tuple[str, ...]
    stack: tuple[str, ...]


@dataclass(frozen=True)
class HeapReportView:
    summary: str
    memstats: str | None
    notes: tuple[str, ...]
    patterns: tuple[HeapPatternView, ...]
    minor: str | None  # patterns with under MIN_SHARE of the memory, by id
    unmatched_title: str | None
    unmatched: tuple[str, ...]
    candidates: str | None
    sites: tuple[HeapSiteView, ...]
    nothing: str | None


def format_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _frame(frame: Frame) -> str:
    return f"{short_function(frame.function)}  {short_location(frame)}".rstrip()


def _where(site: HeapSite) -> str:
    return where_frames(site.allocation_path)


def _share(share: float) -> str:
    return f"{share:.1%}"


def _pattern_view(p: PatternCoverage, tied: tuple[str, ...], entries: Mapping[str, Entry], lang: str) -> HeapPatternView:
    entry = entries.get(p.id)
    held = label("heap_held", lang, bytes=format_bytes(p.inuse_bytes), share=_share(p.share), sites=len(p.sites))
    evidence = tuple(label("heap_frame_matches", lang, fn=short_function(fm.function), pattern=fm.pattern) for fm in p.evidence)
    # Stacks that differ only below the lines shown are one place to the reader.
    places: dict[str, int] = {}
    for s in p.sites:
        places[_where(s)] = places.get(_where(s), 0) + s.inuse_bytes
    where = tuple(f"{place}: {format_bytes(n)}" for place, n in list(places.items())[:WHERE_LINES])
    if len(places) > WHERE_LINES:
        where += (label("heap_more_sites", lang, n=len(places) - WHERE_LINES),)
    return HeapPatternView(
        id=p.id,
        kind=p.kind,
        title=entry.title.get(lang) if entry else p.id,
        held=held,
        evidence=evidence,
        where=where,
        tied=tied,
        note=entry.heap_note.get(lang) if entry else "",
        fix=entry.quick_fix(lang) if entry else "",
        more=label("more", lang, id=p.id),
    )


def _site_view(f: SiteFinding, lang: str) -> HeapSiteView:
    s = f.site
    headline = label("heap_site", lang, bytes=format_bytes(s.inuse_bytes), objects=f"{s.inuse_objects:,}", share=_share(f.share))
    headline += f"  {_where(s)}"
    stack = [_frame(fr) for fr in s.frames[:STACK_LINES]]
    if len(s.frames) > STACK_LINES:
        stack.append(f"... {len(s.frames) - STACK_LINES} more")
    return HeapSiteView(headline, tuple(m.id for m in f.matches), tuple(stack))


def _holder(h: Holder, lang: str) -> str:
    text = label(
        "heap_holder",
        lang,
        fn=short_function(h.function),
        loc=h.location,
        bytes=format_bytes(h.inuse_bytes),
        share=_share(h.share),
        objects=f"{h.inuse_objects:,}",
        sites=h.sites,
    )
    if h.near:
        text += "; " + label("heap_holder_near", lang, ids=", ".join(h.near))
    return text


def heap_view(report: HeapReport, entries: Mapping[str, Entry], lang: str) -> HeapReportView:
    profile = report.profile
    leading, minor = leading_patterns(report)
    shown = [_pattern_view(p, tied, entries, lang) for p, tied in leading]

    summary = label(
        "heap_summary",
        lang,
        inuse=format_bytes(profile.inuse_bytes),
        objects=f"{profile.inuse_objects:,}",
        sites=sum(1 for s in profile.sites if s.inuse_bytes > 0),
        form=profile.format,
        patterns=len(shown),
    )
    memstats = None
    if (ms := profile.memstats) is not None:
        memstats = label(
            "heap_memstats",
            lang,
            inuse=format_bytes(ms.heap_inuse),
            free=format_bytes(max(ms.heap_idle - ms.heap_released, 0)),
            sys=format_bytes(ms.sys),
            gc=ms.num_gc,
        )
    unmatched_title = None
    unmatched: tuple[str, ...] = ()
    candidates = None
    if report.unmatched:
        unmatched_title = label(
            "heap_unmatched", lang, bytes=format_bytes(report.unmatched_bytes), share=_share(report.unmatched_bytes / max(profile.inuse_bytes, 1))
        )
        unmatched = tuple(_holder(h, lang) for h in report.unmatched if h.share >= MIN_HOLDER_SHARE)
        if report.retention_candidates:
            candidates = label("heap_candidates", lang, ids=", ".join(report.retention_candidates))
    return HeapReportView(
        summary=summary,
        memstats=memstats,
        notes=report.notes,
        patterns=tuple(shown),
        minor=label("heap_minor", lang, share=_share(MIN_SHARE), ids=", ".join(minor)) if minor else None,
        unmatched_title=unmatched_title,
        unmatched=unmatched,
        candidates=candidates,
        sites=tuple(_site_view(f, lang) for f in report.findings[:STACK_SITES]),
        nothing=label("heap_nothing", lang) if not report.findings else None,
    )


# -- heap diffs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeapDiffView:
    summary: str
    memstats: str | None
    notes: tuple[str, ...]
    flat: tuple[str, ...]  # what to read when the heap is flat; empty when it grew
    patterns: tuple[HeapPatternView, ...]  # with no matched frames: growth is the evidence
    sites: tuple[HeapSiteView, ...]
    unexplained: str | None  # sites grew that no entry names
    nothing: str | None


def _signed(n: int) -> str:
    return ("+" if n >= 0 else "-") + format_bytes(abs(n))


def _minutes(seconds: float, lang: str) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s" if lang != "zh" else f"{seconds:.0f} 秒"
    return f"{seconds / 60:.0f} min" if lang != "zh" else f"{seconds / 60:.0f} 分钟"


def heap_diff_view(diff, entries: Mapping[str, Entry], lang: str) -> HeapDiffView:
    """`diff` is a profiles.heapdiff.HeapDiff."""
    rate = ""
    if diff.per_minute is not None and diff.elapsed_seconds:
        rate = label("heapdiff_rate", lang, rate=_signed(int(diff.per_minute)), minutes=_minutes(diff.elapsed_seconds, lang))
    summary = label(
        "heapdiff_summary",
        lang,
        change=label("heapdiff_grew" if diff.grew_bytes >= 0 else "heapdiff_shrank", lang),
        base=format_bytes(diff.base.inuse_bytes),
        new=format_bytes(diff.new.inuse_bytes),
        delta=_signed(diff.grew_bytes),
        rate=rate,
        base_origin=diff.base_origin,
        origin=diff.origin,
    )
    memstats = None
    if (ms := diff.memstats) is not None:
        memstats = label(
            "heapdiff_memstats", lang, sys=_signed(ms.sys), heap=_signed(ms.heap_inuse), stack=_signed(ms.stack_inuse), idle=_signed(ms.idle_not_released)
        )
    flat: list[str] = []
    if diff.flat:
        flat.append(label("heapdiff_flat", lang))
        for signal in ("rss", "goroutines"):
            ids = [i for s, i in diff.when_flat if s == signal]
            if ids:
                flat.append(label(f"heapdiff_flat_{signal}", lang, ids=", ".join(ids)))
    patterns = []
    for p in diff.patterns:
        entry = entries.get(p.id)
        patterns.append(
            HeapPatternView(
                id=p.id,
                kind=p.kind,
                title=entry.title.get(lang) if entry else p.id,
                held=label("heapdiff_pattern_held", lang, bytes=format_bytes(p.grew_bytes), share=_share(p.share), places=len(p.places)),
                evidence=(),
                where=tuple(f"{where_frames(g.frames)}: {_signed(g.grew_bytes)}" for g in p.places[:WHERE_LINES]),
                tied=p.tied,
                note=entry.heap_note.get(lang) if entry else "",
                fix=entry.quick_fix(lang) if entry else "",
                more=label("more", lang, id=p.id),
            )
        )
    sites = []
    for g in diff.growing:
        site_rate = label("heapdiff_site_rate", lang, rate=_signed(int(g.per_minute))) if g.per_minute is not None else ""
        headline = label(
            "heapdiff_site",
            lang,
            bytes=format_bytes(g.grew_bytes),
            objects=f"{g.grew_objects:,}",
            base=format_bytes(g.base_bytes),
            new=format_bytes(g.new_bytes),
            rate=site_rate,
        )
        stack = [_frame(fr) for fr in g.frames[:STACK_LINES]]
        if len(g.frames) > STACK_LINES:
            stack.append(f"... {len(g.frames) - STACK_LINES} more")
        sites.append(HeapSiteView(f"{headline}  {where_frames(g.frames)}", tuple(m.id for m in g.matches), tuple(stack)))
    from goleakhelp.profiles.heapdiff import MIN_SITE_GROWTH

    unexplained = label("heapdiff_unexplained", lang) if any(not g.matches for g in diff.growing) else None
    nothing = label("heapdiff_nothing_grew", lang, bytes=format_bytes(MIN_SITE_GROWTH)) if not diff.growing else None
    return HeapDiffView(summary, memstats, diff.notes, tuple(flat), tuple(patterns), tuple(sites), unexplained, nothing)
