"""Compare two heap profiles of one process: which allocation sites grew, how fast, and
which KB patterns explain the growth.

A leak is memory that keeps growing, so two profiles taken some minutes apart say more
than one: a site whose in-use bytes and objects rise from one to the next is where to
look, whatever its size. Sites are compared by where they allocate for the program: the
frames from the allocation up to the program's own first frame (the place a report
shows), so stacks that differ only in the callers beyond it count as one place.

When the heap does not grow, the memory a process gains is elsewhere: goroutine stacks,
C allocations, memory the runtime keeps. The KB entries whose `heap.when_flat` names that
signal are the ones to read then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goleakhelp.dumps.model import Frame
from goleakhelp.knowledge.entry import Entry
from goleakhelp.knowledge.schema import HEAP_FLAT_SIGNALS
from goleakhelp.profiles.heap import HeapProfile, HeapSite, SiteMatch, SiteMatcher, best_matches

# The heap counts as flat when it grew by less than this share of the earlier profile's
# in-use bytes, or by less than FLAT_BYTES, whichever is more.
FLAT_SHARE = 0.05
FLAT_BYTES = 1024 * 1024
# A place is listed as growing when it gained at least this much; smaller changes are the
# noise of sampling and GC timing, not a trend.
MIN_SITE_GROWTH = 64 * 1024
TOP_GROWING = 10

Place = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class SiteGrowth:
    """One place that allocates for the program, in the earlier and the later profile."""

    frames: tuple[Frame, ...]  # allocation path: from the allocation to the program's first frame
    base_bytes: int
    base_objects: int
    new_bytes: int
    new_objects: int
    per_minute: float | None  # bytes gained per minute; None when the profiles carry no times
    matches: tuple[SiteMatch, ...]  # the KB entries this place fits best

    @property
    def grew_bytes(self) -> int:
        return self.new_bytes - self.base_bytes

    @property
    def grew_objects(self) -> int:
        return self.new_objects - self.base_objects


@dataclass(frozen=True)
class PatternGrowth:
    id: str
    kind: str
    grew_bytes: int
    share: float  # of all the growth
    places: tuple[SiteGrowth, ...]  # largest growth first
    tied: tuple[str, ...] = ()  # entries matched by the very same places: the profile cannot tell them apart


@dataclass(frozen=True)
class MemStatsGrowth:
    """Growth of the runtime's own figures, when both profiles end with runtime.MemStats."""

    sys: int  # memory obtained from the OS: close to RSS
    heap_inuse: int
    stack_inuse: int  # goroutine stacks
    idle_not_released: int  # free heap memory still resident


@dataclass(frozen=True)
class HeapDiff:
    base_origin: str
    origin: str
    base: HeapProfile
    new: HeapProfile
    elapsed_seconds: float | None
    growing: tuple[SiteGrowth, ...]  # most growth first
    patterns: tuple[PatternGrowth, ...]  # the KB entries explaining the growth, most first
    grew_bytes: int  # in-use bytes, later minus earlier (may be negative)
    grew_objects: int
    flat: bool
    memstats: MemStatsGrowth | None
    when_flat: tuple[tuple[str, str], ...]  # (signal, entry id) to read when the heap is flat
    notes: tuple[str, ...]

    @property
    def per_minute(self) -> float | None:
        return _rate(self.grew_bytes, self.elapsed_seconds)


def _place(site: HeapSite) -> Place:
    return tuple((f.function, f.file, f.line) for f in site.allocation_path)


def _by_place(profile: HeapProfile) -> dict[Place, list]:
    places: dict[Place, list] = {}
    for site in profile.sites:
        acc = places.setdefault(_place(site), [0, 0, site])
        acc[0] += site.inuse_bytes
        acc[1] += site.inuse_objects
        if site.inuse_bytes > acc[2].inuse_bytes:
            acc[2] = site  # the largest site stands for the place
    return places


def _rate(grew: int, seconds: float | None) -> float | None:
    return grew * 60.0 / seconds if seconds and seconds > 0 else None


def _memstats_growth(base: HeapProfile, new: HeapProfile) -> MemStatsGrowth | None:
    a, b = base.memstats, new.memstats
    if a is None or b is None:
        return None
    return MemStatsGrowth(
        sys=b.sys - a.sys,
        heap_inuse=b.heap_inuse - a.heap_inuse,
        stack_inuse=b.stack_inuse - a.stack_inuse,
        idle_not_released=(b.heap_idle - b.heap_released) - (a.heap_idle - a.heap_released),
    )


def diff_heap(
    base: HeapProfile,
    new: HeapProfile,
    entries: Iterable[Entry],
    base_origin: str = "base",
    origin: str = "input",
    elapsed_seconds: float | None = None,
) -> HeapDiff:
    """What grew from `base` to `new`. `elapsed_seconds` is used when the profiles carry no
    timestamps of their own (the text form has none)."""
    entries = list(entries)
    with_frames = [e for e in entries if e.heap_frames]
    notes: list[str] = []
    if base.taken_at is not None and new.taken_at is not None:
        elapsed_seconds = new.taken_at - base.taken_at
        if elapsed_seconds < 0:
            notes.append(f"{base_origin} was taken after {origin}; compared the other way round, what grew here shrank")
    if elapsed_seconds is None:
        notes.append("the profiles carry no times, so growth is shown without a rate")
    if base.kind != new.kind:
        notes.append(f"{base_origin} is a {base.kind} profile and {origin} a {new.kind} profile; in-use figures are compared")
    if base.sample_rate != new.sample_rate:
        notes.append(f"the profiles were sampled at different rates ({base.sample_rate} and {new.sample_rate}); small sites may differ by chance")

    grew_bytes = new.inuse_bytes - base.inuse_bytes
    grew_objects = new.inuse_objects - base.inuse_objects
    flat = grew_bytes < max(FLAT_SHARE * base.inuse_bytes, FLAT_BYTES)

    before = _by_place(base)
    matcher = SiteMatcher(with_frames)
    growing: list[SiteGrowth] = []
    for place, (nbytes, objects, site) in _by_place(new).items():
        old_bytes, old_objects, _ = before.get(place, (0, 0, None))
        gained = nbytes - old_bytes
        if gained < MIN_SITE_GROWTH:
            continue
        growing.append(
            SiteGrowth(
                frames=site.allocation_path,
                base_bytes=old_bytes,
                base_objects=old_objects,
                new_bytes=nbytes,
                new_objects=objects,
                per_minute=_rate(gained, elapsed_seconds),
                matches=best_matches(matcher.match(site)),
            )
        )
    growing.sort(key=lambda g: (-g.grew_bytes, [f.function for f in g.frames]))

    total_growth = sum(g.grew_bytes for g in growing)
    by_entry: dict[str, list] = {}
    for g in growing:
        for m in g.matches:
            acc = by_entry.setdefault(m.id, [m.kind, 0, []])
            acc[1] += g.grew_bytes
            acc[2].append(g)
    ranked = sorted(by_entry.items(), key=lambda item: (-item[1][1], item[0]))
    same_places: dict[tuple[int, ...], list[str]] = {}
    for entry_id, (_, _, places) in ranked:
        same_places.setdefault(tuple(id(g) for g in places), []).append(entry_id)
    patterns = []
    for ids in same_places.values():
        kind, n, places = by_entry[ids[0]]
        patterns.append(PatternGrowth(ids[0], kind, n, n / total_growth if total_growth else 0.0, tuple(places), tuple(ids[1:])))

    memstats = _memstats_growth(base, new)
    when_flat: tuple[tuple[str, str], ...] = ()
    if flat:
        signals: Sequence[str] = HEAP_FLAT_SIGNALS
        if memstats is not None:  # the runtime's figures say which of the two grew
            signals = [s for s, grew in (("rss", memstats.sys > FLAT_BYTES), ("goroutines", memstats.stack_inuse > 0)) if grew] or HEAP_FLAT_SIGNALS
        when_flat = tuple((signal, e.id) for signal in signals for e in entries if signal in e.heap_when_flat)
    return HeapDiff(
        base_origin=base_origin,
        origin=origin,
        base=base,
        new=new,
        elapsed_seconds=elapsed_seconds,
        growing=tuple(growing[:TOP_GROWING]),
        patterns=tuple(patterns),
        grew_bytes=grew_bytes,
        grew_objects=grew_objects,
        flat=flat,
        memstats=memstats,
        when_flat=when_flat,
        notes=tuple(notes),
    )
