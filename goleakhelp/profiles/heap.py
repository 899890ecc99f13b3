"""Read Go heap profiles and say which KB leak patterns their allocation sites point to.

Two text forms are read:

- `heap-debug1`: what /debug/pprof/heap?debug=1 writes (runtime/pprof writeHeapInternal);
  /debug/pprof/allocs?debug=1 writes the very same text.

      heap profile: 19814: 8441888 [23087: 16650584] @ heap/2
      6: 6291456 [6: 6291456] @ 0x47e45a 0x481bd3 0x4a5f36 ...
      #	0x4a5f35	io.ReadAll+0x3b5		io/io.go:734
      #	0x4ec3d1	main.keepUploadHeads+0x91	heapgen/main.go:43
      ...
      # runtime.MemStats
      # HeapAlloc = 8507480

  A record is `inuse_objects: inuse_bytes [alloc_objects: alloc_bytes] @ PCs`, then its
  frames, innermost first, with the leading runtime frames left out (printStackRecord).
  The header holds the totals and 2 × runtime.MemProfileRate. Records come in ascending
  order of in-use bytes, so a cut-short file loses the largest sites; the header totals
  tell when records are missing.
- `pprof-raw`: `go tool pprof -raw` of a protobuf heap or allocs profile, which
  prints for a protobuf heap profile: samples with all four values, then the locations.
- protobuf profiles themselves, decoded by goleakhelp.profiles.pprof (heap_from_pprof).

What the numbers are. runtime.MemProfile records one allocation in about every
MemProfileRate bytes (512 KiB by default). The debug=1 text prints those samples as
recorded, not scaled; the protobuf form scales every value by 1/(1-exp(-size/rate))
(protomem.go scaleHeapSample), so it estimates the real totals. With MemProfileRate = 1
every allocation is recorded and both are exact. In-use values are as of the last
completed garbage collection.

Matching: the KB's `heap.frames` regexes name the library functions that allocate for a
pattern (io.ReadAll, context.withCancel, ...). They are compared with the frames from the
allocation up to the first frame of the program's own code; the callers beyond it (for
example net/http.(*conn).serve under every handler) say where the program ran, not what
allocated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from operator import add, attrgetter, itemgetter

from goleakhelp.dumps.model import is_runtime, is_user_code
from goleakhelp.dumps.model import Frame
from goleakhelp.errors import UserError
from goleakhelp.knowledge.entry import Entry
from goleakhelp.inputs import gunzip, is_gzip
from goleakhelp.profiles.pprof import HEAP_KINDS, MAX_PROFILE_BYTES, Profile, collector_paused, decode_profile

TOP_SITES = 10  # sites a report lists, largest first
TOP_HOLDERS = 5  # functions listed for memory no entry explains
DEFAULT_RATE = 512 * 1024

DEBUG1_HEADER = re.compile(r"^heap profile: (\d+): (\d+) \[(\d+): (\d+)\] @ heap/(\d+)\s*$")
DEBUG1_RECORD = re.compile(r"^(\d+): (\d+) \[(\d+): (\d+)\] @((?: 0x[0-9a-fA-F]+)*)\s*$")
DEBUG1_FRAME = re.compile(r"^#\t+(0x[0-9a-fA-F]+)(?:\t+(.+?)\+0x[0-9a-fA-F]+\t+(.*):(\d+))?\s*$")
MEMSTAT = re.compile(r"^# (\w+) = (\S.*?)\s*$")
RAW_SAMPLE = re.compile(r"^\s*(-?\d+(?:\s+-?\d+)*):((?:\s+\d+)*)\s*$")
RAW_LOCATION = re.compile(r"^\s*(\d+): (0x[0-9a-fA-F]+) (?:M=\d+ )?(?:\[F\] )?(.*)$")
RAW_INLINED = re.compile(r"^\s{13}(\S.*)$")
RAW_LINE = re.compile(r"^(.+) (\S*):(\d+):-?\d+ s=-?\d+(?:\(.*\))?$")
GOROUTINE_DUMP = re.compile(
    r"^(?:goroutine \d+ .*\[.*\]:?|goroutine(?:leak)? profile: total \d+|Type: goroutine(?:leak)?)\s*$", re.MULTILINE
)


# Not frozen, and compared by identity: a profile holds tens of thousands of sites, and a
# frozen dataclass's __init__ (object.__setattr__ per field) was a third of building them.
# Nothing changes a site once it is read.
@dataclass(eq=False)
class HeapSite:
    """One allocation stack: the records of a profile with the same functions and lines, merged.
    Its frames are looked up when asked for: a profile of many stacks shows only a few."""

    inuse_objects: int
    inuse_bytes: int
    alloc_objects: int
    alloc_bytes: int
    records: int  # profile records merged into this site (same lines, different PCs)
    # The frames from the allocation up to and including the first frame of the program's
    # own code (every frame when there is none): what allocated, and for which line.
    allocation_path: tuple[Frame, ...]
    user_frame: Frame | None  # the innermost frame in the program's own code (the last of allocation_path)
    stack: tuple[int, ...]  # location ids, innermost first
    locations: Mapping[int, tuple[Frame, ...]] = field(repr=False)  # the profile's, by id

    @cached_property
    def frames(self) -> tuple[Frame, ...]:
        """Innermost first; Go leaves out the leading runtime frames."""
        return tuple(chain.from_iterable(map(self.locations.__getitem__, self.stack)))

    @property
    def allocator(self) -> Frame | None:
        """The frame that allocated: the innermost one outside the runtime (on the allocation path,
        which ends at a frame of the program's own code, or holds every frame)."""
        path = self.allocation_path
        return next((f for f in path if not is_runtime(f)), path[0] if path else None)


@dataclass(frozen=True)
class MemStats:
    """The `# runtime.MemStats` section that ends a debug=1 heap profile (bytes unless said)."""

    heap_alloc: int
    heap_inuse: int
    heap_idle: int
    heap_released: int
    heap_sys: int
    heap_objects: int  # objects
    sys: int
    stack_inuse: int
    num_gc: int  # collections
    max_rss: int | None  # absent on platforms without getrusage


@dataclass(frozen=True)
class HeapProfile:
    format: str  # "heap-debug1", "pprof-raw" or "protobuf"
    kind: str  # "heap", or "allocs" for a protobuf allocs profile (the debug=1 text cannot tell)
    sample_rate: int  # runtime.MemProfileRate when the profile was written
    scaled: bool  # values are estimates scaled up for sampling (protobuf), not the samples as recorded
    sites: tuple[HeapSite, ...]  # most in-use bytes first
    inuse_objects: int
    inuse_bytes: int
    alloc_objects: int
    alloc_bytes: int
    memstats: MemStats | None
    notes: tuple[str, ...]
    taken_at: float | None = None  # Unix time the profile was written (protobuf only)


@dataclass(frozen=True)
class FrameMatch:
    function: str  # the frame of the stack ...
    pattern: str  # ... that this heap.frames regex of the entry matched


@dataclass(frozen=True)
class SiteMatch:
    id: str
    kind: str
    frames: tuple[FrameMatch, ...]  # one per regex of the entry that matched


@dataclass(frozen=True)
class SiteFinding:
    site: HeapSite
    share: float  # of the profile's in-use bytes
    matches: tuple[SiteMatch, ...]  # most regexes matched first


@dataclass(frozen=True)
class PatternCoverage:
    """One KB entry and the in-use memory of the sites it is the best match for."""

    id: str
    kind: str
    inuse_bytes: int
    inuse_objects: int
    share: float
    sites: tuple[HeapSite, ...]  # largest first
    evidence: tuple[FrameMatch, ...]  # distinct (frame, regex) pairs, from the largest site on


@dataclass(frozen=True)
class Holder:
    """In-use memory no KB entry matched, by the function of the program that allocated it."""

    function: str
    location: str  # file:line of its largest site
    inuse_bytes: int
    inuse_objects: int
    share: float
    sites: int
    near: tuple[str, ...]  # entries matched at other sites under the same function (its cache's nodes, say)


@dataclass(frozen=True)
class HeapReport:
    origin: str
    profile: HeapProfile
    findings: tuple[SiteFinding, ...]  # the largest sites holding memory, largest first
    patterns: tuple[PatternCoverage, ...]  # most in-use bytes covered first
    unmatched: tuple[Holder, ...]  # where the memory no entry explains was allocated, largest first
    unmatched_bytes: int
    retention_candidates: tuple[str, ...]  # memory patterns that show up at the program's own code
    notes: tuple[str, ...]


# -- labels ------------------------------------------------------------------------------


def short_function(name: str) -> str:
    """The function name with type arguments collapsed: `newEntryNode[go.shape.int,...]` -> `newEntryNode[...]`."""
    out, depth = [], 0
    for ch in name:
        if ch == "[":
            if depth == 0:
                out.append("[...]")
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def where_frames(frames: tuple[Frame, ...]) -> str:
    """"allocator ← user function (file:line)": what allocated, and for which line of the program."""
    allocator = next((f for f in frames if not is_runtime(f)), frames[0] if frames else None)
    user = next((f for f in frames if is_user_code(f)), None)
    if allocator is None:
        return "?"
    text = short_function(allocator.function)
    anchor = user or allocator
    if user is not None and user is not allocator:
        text += f" ← {short_function(user.function)}"
    if anchor.location:
        text += f" ({anchor.location})"
    return text


# -- reading -----------------------------------------------------------------------------


def _sorted_sites(sites: list[HeapSite]) -> tuple[HeapSite, ...]:
    sites.sort(key=attrgetter("inuse_bytes", "alloc_bytes"), reverse=True)  # ties keep the profile's order
    return tuple(sites)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def heap_text_format(text: str) -> str | None:
    """"heap-debug1" or "pprof-raw" when the text is a heap profile form this module reads, else None."""
    first = next((line.strip() for line in _lines(text[:4096]) if line.strip()), "")
    if first.startswith("heap profile:"):
        return "heap-debug1"
    if re.search(r"^Samples:\s*$", text, re.MULTILINE) and re.search(r"^Period: -?\d+\s*$", text, re.MULTILINE):
        return "pprof-raw"
    return None


def _sampling_note(rate: int, scaled: bool) -> str:
    if rate == 1:
        return "MemProfileRate was 1: every allocation was recorded, so the values are exact"
    if scaled:
        return (
            f"the values are estimates: about one allocation in every {rate:,} bytes was recorded, and "
            "runtime/pprof scaled each site up for the ones it did not see"
        )
    return (
        f"the values are the recorded samples, not scaled: about one allocation in every {rate:,} bytes was "
        "recorded, so compare sites with each other rather than with MemStats; `go tool pprof` on the protobuf "
        "form (/debug/pprof/heap) shows scaled estimates"
    )


def _memstats(values: dict[str, str]) -> MemStats | None:
    def num(key: str) -> int:
        try:
            return int(values.get(key, "0").split("/")[0])
        except ValueError:
            return 0

    if "HeapAlloc" not in values:
        return None
    max_rss = num("MaxRSS") if "MaxRSS" in values else None
    return MemStats(
        heap_alloc=num("HeapAlloc"),
        heap_inuse=num("HeapInuse"),
        heap_idle=num("HeapIdle"),
        heap_released=num("HeapReleased"),
        heap_sys=num("HeapSys"),
        heap_objects=num("HeapObjects"),
        sys=num("Sys"),
        stack_inuse=num("Stack"),
        num_gc=num("NumGC"),
        max_rss=max_rss,
    )


def _read_debug1(lines: list[str], origin: str) -> HeapProfile:
    start = next(i for i, line in enumerate(lines) if line.strip())
    header = DEBUG1_HEADER.match(lines[start].strip())
    if header is None:
        raise UserError(f"{origin}: the first line starts like a heap profile but is not one: {lines[start].strip()[:80]!r}")
    h_inuse_objects, h_inuse_bytes, h_alloc_objects, _, h_rate = map(int, header.groups())
    rate = max(h_rate // 2, 1)

    # Read into the values a protobuf profile decodes to: one location per distinct frame
    # line, so records with the same lines have the same stack (the PCs may differ).
    locations: dict[int, tuple[Frame, ...]] = {}
    location_ids: dict[tuple[str, str, int], int] = {}
    records: list[tuple[tuple[int, int, int, int], list[int], int]] = []
    memstats: dict[str, str] = {}
    in_memstats = False
    stray: list[int] = []
    last_content = start
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if not line.strip():
            continue
        last_content = n
        if in_memstats:
            if m := MEMSTAT.match(line):
                memstats[m.group(1)] = m.group(2)
            else:
                stray.append(n)
        elif line.strip() == "# runtime.MemStats":
            in_memstats = True
        elif m := DEBUG1_RECORD.match(line):
            inuse_objects, inuse_bytes, alloc_objects, alloc_bytes = (int(v) for v in m.groups()[:4])
            records.append(((inuse_objects, inuse_bytes, alloc_objects, alloc_bytes), [], n))
        elif (m := DEBUG1_FRAME.match(line)) and records:
            address, function, file, lineno = m.groups()
            key = (function, file, int(lineno)) if function else (address, "", 0)
            loc = location_ids.get(key)
            if loc is None:
                loc = location_ids[key] = len(location_ids) + 1
                locations[loc] = (Frame(*key),)
            records[-1][1].append(loc)
        else:
            stray.append(n)

    cut = f"{origin} is cut short"
    if stray and stray[-1] == last_content and not in_memstats:
        raise UserError(f"{cut}: its last line ({stray[-1] + 1}) is an incomplete record; save the whole output of /debug/pprof/heap?debug=1")
    if records and not records[-1][1]:
        raise UserError(f"{cut}: the record on line {records[-1][2] + 1} has no stack; save the whole output of /debug/pprof/heap?debug=1")
    sums = [sum(r[0][i] for r in records) for i in range(4)]
    if (sums[0], sums[1], sums[2]) != (h_inuse_objects, h_inuse_bytes, h_alloc_objects):
        raise UserError(
            f"{cut}: its header counts {h_inuse_objects:,} objects in use, its {len(records):,} records "
            f"{sums[0]:,}; the largest sites come last, so save the whole output of /debug/pprof/heap?debug=1"
        )

    notes = []
    if not in_memstats:
        notes.append("the runtime.MemStats section that ends a debug=1 profile is missing; the file may be cut short")
    elif "DebugGC" not in memstats:
        notes.append("the runtime.MemStats section is incomplete; the file may be cut short")
    if stray and not (stray[-1] == last_content and not in_memstats):
        notes.append(f"skipped {len(stray)} line(s) that are not part of a heap profile (the first is line {stray[0] + 1})")
    profile = Profile(
        sample_types=("inuse_objects", "inuse_space", "alloc_objects", "alloc_space"),
        units=("count", "bytes", "count", "bytes"),
        default_sample_type="",
        period_type="space",
        period=rate,
        time_nanos=0,
        duration_nanos=0,
        locations=locations,
        stacks=tuple(tuple(ids) for _, ids, _ in records),
        values=tuple(values for values, _, _ in records),
    )
    return heap_from_pprof(profile, origin, form="heap-debug1", notes=tuple(notes), scaled=False, memstats=_memstats(memstats))


def _read_raw(lines: list[str], origin: str) -> HeapProfile:
    period: int | None = None
    types: list[str] = []
    default = ""
    samples: list[tuple[list[int], list[int]]] = []
    locations: dict[int, list[tuple[str, str, int]]] = {}
    current: list[tuple[str, str, int]] | None = None
    section = "preamble"
    for line in lines:
        stripped = line.strip()
        if section == "preamble":
            if m := re.match(r"^Period: (-?\d+)$", stripped):
                period = int(m.group(1))
            elif stripped == "Samples:":
                section = "types"
        elif section == "types":
            for column in stripped.split():
                name = column.split("/")[0]
                types.append(name)
                if column.endswith("[dflt]"):
                    default = name
            section = "samples"
        elif section == "samples":
            if stripped == "Locations":
                section = "locations"
            elif m := RAW_SAMPLE.match(line):
                samples.append(([int(v) for v in m.group(1).split()], [int(i) for i in m.group(2).split()]))
        elif section == "locations":
            if stripped == "Mappings":
                section = "mappings"
                break
            if m := RAW_LOCATION.match(line):
                current = locations.setdefault(int(m.group(1)), [])
                rest = m.group(3).strip()
                lm = RAW_LINE.match(rest)
                current.append((lm.group(1), lm.group(2), int(lm.group(3))) if lm else (m.group(2), "", 0))
            elif current is not None and (m := RAW_INLINED.match(line)) and (lm := RAW_LINE.match(m.group(1).strip())):
                current.append((lm.group(1), lm.group(2), int(lm.group(3))))

    if section in ("preamble", "types"):
        raise UserError(f"{origin} is not `go tool pprof -raw` output of a heap profile: it has no samples")
    if "inuse_space" not in types:
        kind = types[0] if types else "unknown"
        if kind in ("goroutine", "goroutineleak"):
            raise UserError(f"{origin} is a goroutine profile printed by `go tool pprof -raw`; print it with `go tool pprof -traces` and read that with `goleakhelp dump`")
        raise UserError(f"{origin} is a {kind} profile printed by `go tool pprof -raw`, not a heap profile (it has no inuse_space values)")
    if section == "samples":
        raise UserError(f"{origin} is cut short: the Locations section of the `go tool pprof -raw` output is missing")
    interned: dict[tuple[str, str, int, bool], Frame] = {}
    located: dict[int, tuple[Frame, ...]] = {}
    for loc, lines_at in locations.items():
        # A location lists its inlined functions first and the function they were inlined into last.
        keys = [(function, file, lineno, k < len(lines_at) - 1) for k, (function, file, lineno) in enumerate(lines_at)]
        located[loc] = tuple(interned.get(key) or interned.setdefault(key, Frame(*key)) for key in keys)
    for values, ids in samples:
        if len(values) != len(types):
            raise UserError(f"{origin}: a sample has {len(values)} values for {len(types)} sample types")
        missing = next((loc for loc in ids if loc not in located), None)
        if missing is not None:
            raise UserError(f"{origin} is cut short: a sample refers to location {missing}, which is not listed")
    profile = Profile(
        sample_types=tuple(types),
        units=(),
        default_sample_type=default,
        period_type="space",
        period=period or 0,
        time_nanos=0,
        duration_nanos=0,
        locations=located,
        stacks=tuple(tuple(ids) for _, ids in samples),
        values=tuple(tuple(values) for values, _ in samples),
    )
    notes = ()
    if section != "mappings":
        notes = ("the Mappings section that ends `go tool pprof -raw` output is missing; the file may be cut short",)
    return heap_from_pprof(profile, origin, form="pprof-raw", notes=notes)


def parse_heap_text(text: str, origin: str = "input") -> HeapProfile:
    """A heap profile from heap?debug=1 (or allocs?debug=1) text or `go tool pprof -raw` output."""
    if not text.strip():
        raise UserError(f"{origin} is empty; expected a heap profile (curl -s 'http://HOST/debug/pprof/heap?debug=1')")
    form = heap_text_format(text)
    if form == "heap-debug1":
        return _read_debug1(_lines(text), origin)
    if form == "pprof-raw":
        return _read_raw(_lines(text), origin)
    if GOROUTINE_DUMP.search(text):
        raise UserError(f"{origin} is a goroutine dump, not a heap profile; read it with `goleakhelp dump`")
    raise UserError(
        f"{origin} is not a heap profile: it does not start with 'heap profile:' "
        "(save /debug/pprof/heap?debug=1, or pass the protobuf file /debug/pprof/heap writes)"
    )


def read_heap_profile(data: bytes, origin: str = "input") -> HeapProfile:
    """A heap profile from a file's bytes: debug=1 text or `go tool pprof -raw` output (either
    also gzip-compressed), or a protobuf heap or allocs profile, gzip-compressed or not."""
    if not data.strip():
        raise UserError(f"{origin} is empty; expected a heap profile (curl -s 'http://HOST/debug/pprof/heap?debug=1')")
    plain = gunzip(data, origin, MAX_PROFILE_BYTES) if is_gzip(data) else data
    if heap_text_format(plain[:4096].decode("utf-8", "replace")) is None:
        with collector_paused():
            try:
                profile = decode_profile(plain, origin, labels=False)
            except UserError:
                profile = None  # not protobuf either: the checks below say what it is
            if profile is not None:
                if profile.kind not in HEAP_KINDS:
                    raise UserError(f"{origin} is {profile.description}, not a heap profile; read it with `goleakhelp explain {origin}`")
                return heap_from_pprof(profile, origin)
    if b"\x00" in plain[:4096]:
        raise UserError(f"{origin} is binary data, not a heap profile (save /debug/pprof/heap?debug=1, or the protobuf profile /debug/pprof/heap writes)")
    try:
        text = plain.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{origin} is not UTF-8 text (byte {exc.start}) and not a protobuf profile; expected a heap profile") from None
    return parse_heap_text(text, origin)


def _picker(columns: list[int | None]) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    """Picks the given columns of a sample's values; a missing column (None) reads 0."""
    if None not in columns:
        return itemgetter(*columns)
    return lambda values: tuple(values[c] if c is not None else 0 for c in columns)


def heap_from_pprof(
    profile: Profile,
    origin: str = "input",
    form: str = "protobuf",
    notes: tuple[str, ...] = (),
    scaled: bool = True,
    memstats: MemStats | None = None,
) -> HeapProfile:
    """The allocation sites of a decoded heap or allocs profile (protobuf, or text read into
    the same values: `go tool pprof -raw`, and heap?debug=1 with `scaled=False`, whose
    values are the samples as recorded)."""
    names = ("inuse_objects", "inuse_space", "alloc_objects", "alloc_space")
    columns = [profile.column(name) for name in names]
    if columns[1] is None:
        raise UserError(f"{origin} is {profile.description}, not a heap profile (it has no inuse_space values)")
    locations = profile.locations
    # Samples are merged by their location ids, and frames are resolved once per distinct
    # stack. Locations with the same lines (different PCs) are one: the first of them stands for all.
    first: dict[tuple[Frame, ...], int] = {}
    same = {loc: first.setdefault(frames, loc) for loc, frames in locations.items()}
    replaced = {loc for loc, kept in same.items() if loc != kept}
    stacks: dict[tuple[int, ...], list] = {}  # location ids -> [values, records]
    for stack, values in zip(profile.stacks, profile.values):
        if replaced and not replaced.isdisjoint(stack):
            stack = tuple(map(same.__getitem__, stack))
        acc = stacks.get(stack)
        if acc is None:
            stacks[stack] = [values, 1]
        else:
            acc[0] = tuple(map(add, acc[0], values))
            acc[1] += 1

    # For each location holding a frame of the program's own code: its frames up to the first
    # such, and that frame. A stack's allocation path then ends at its first such location.
    heads = {}
    for loc, frames in locations.items():
        k = next((k for k, f in enumerate(frames) if is_user_code(f)), -1)
        if k >= 0:
            heads[loc] = (frames[: k + 1], frames[k])
    four = _picker(columns)
    sites = []
    for stack, (values, records) in stacks.items():
        for depth, loc in enumerate(stack):
            head = heads.get(loc)
            if head is not None:
                path, user = head
                if depth:
                    path = profile.frames(stack[:depth]) + path
                break
        else:
            path, user = profile.frames(stack), None
        sites.append(HeapSite(*four(values), records, path, user, stack, locations))
    totals = [sum(column) for column in zip(*map(four, profile.values))] or [0, 0, 0, 0]
    rate = profile.period if profile.period > 0 else DEFAULT_RATE
    return HeapProfile(
        format=form,
        kind=profile.kind,
        sample_rate=rate,
        scaled=scaled and rate > 1,
        sites=_sorted_sites(sites),
        inuse_objects=totals[0],
        inuse_bytes=totals[1],
        alloc_objects=totals[2],
        alloc_bytes=totals[3],
        memstats=memstats,
        notes=(_sampling_note(rate, scaled), *notes),
        taken_at=profile.time_nanos / 1e9 if profile.time_nanos > 0 else None,
    )


# -- matching ----------------------------------------------------------------------------


_function = attrgetter("function")


@lru_cache(maxsize=1024)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class SiteMatcher:
    """Matches sites to the KB's heap frames. Sites that allocate through the same path (the
    frames up to the program's own) match alike, so each path is matched once: a profile
    of thousands of stacks under one allocating function costs one match."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = [e for e in entries if e.heap_frames]
        self._by_path: dict[tuple[str, ...], tuple[SiteMatch, ...]] = {}

    def match(self, site: HeapSite) -> tuple[SiteMatch, ...]:
        path = tuple(map(_function, site.allocation_path))
        found = self._by_path.get(path)
        if found is None:
            found = self._by_path[path] = self._match_path(path)
        return found

    def _match_path(self, path: tuple[str, ...]) -> tuple[SiteMatch, ...]:
        matches = []
        for entry in self._entries:
            hits = []
            for pattern in entry.heap_frames:
                rx = _rx(pattern)
                function = next((fn for fn in path if rx.search(fn)), None)
                if function is not None:
                    hits.append(FrameMatch(function, pattern))
            if hits:
                matches.append(SiteMatch(entry.id, entry.kind, tuple(hits)))
        matches.sort(key=lambda m: (-len(m.frames), m.id))
        return tuple(matches)


def match_site(site: HeapSite, entries: Iterable[Entry]) -> tuple[SiteMatch, ...]:
    """The entries with a heap.frames regex that matches a frame of the site's allocation path."""
    return SiteMatcher(entries).match(site)


def best_matches(matches: tuple[SiteMatch, ...]) -> tuple[SiteMatch, ...]:
    """The matches a site cannot tell apart: those with the most regexes matched."""
    if not matches:
        return ()
    most = len(matches[0].frames)
    return tuple(m for m in matches if len(m.frames) == most)


def _share(part: int, whole: int) -> float:
    return part / whole if whole > 0 else 0.0


def match_heap(profile: HeapProfile, entries: Iterable[Entry], origin: str = "input", top: int = TOP_SITES) -> HeapReport:
    """Match every site holding memory to the KB; rank entries by the in-use bytes they cover."""
    with collector_paused():
        return _match_heap(profile, list(entries), origin, top)


def _match_heap(profile: HeapProfile, entries: list[Entry], origin: str, top: int) -> HeapReport:
    total = profile.inuse_bytes
    live = [s for s in profile.sites if s.inuse_bytes > 0]
    matcher = SiteMatcher(entries)
    site_matches = [matcher.match(s) for s in live]

    covered: dict[str, list] = {}  # id -> [kind, bytes, objects, sites, evidence]
    near: dict[str, set[str]] = {}  # function of the program -> entries matched under it
    holders: dict[str, list] = {}  # function -> [location, bytes, objects, sites]
    unmatched_bytes = 0
    for site, matches in zip(live, site_matches):
        if matches:
            best = best_matches(matches)
            for match in best:
                acc = covered.get(match.id)
                if acc is None:
                    acc = covered[match.id] = [match.kind, 0, 0, [], []]
                acc[1] += site.inuse_bytes
                acc[2] += site.inuse_objects
                acc[3].append(site)
                acc[4] += [fm for fm in match.frames if fm not in acc[4]]
            user = site.user_frame
            if user is not None:
                near.setdefault(user.function, set()).update(m.id for m in best)
            continue
        unmatched_bytes += site.inuse_bytes
        frame = site.user_frame or site.allocator
        name = frame.function if frame else "?"
        acc = holders.get(name)
        if acc is None:
            acc = holders[name] = [frame.location if frame else "", 0, 0, 0]
        acc[1] += site.inuse_bytes
        acc[2] += site.inuse_objects
        acc[3] += 1
    patterns = [
        PatternCoverage(entry_id, kind, nbytes, objects, _share(nbytes, total), tuple(sites), tuple(evidence))
        for entry_id, (kind, nbytes, objects, sites, evidence) in covered.items()
    ]
    patterns.sort(key=lambda p: (-p.inuse_bytes, -len(p.evidence), p.id))
    unmatched = sorted(
        (
            Holder(fn, loc, nbytes, objects, _share(nbytes, total), n, tuple(sorted(near.get(fn, ()))))
            for fn, (loc, nbytes, objects, n) in holders.items()
        ),
        key=lambda h: (-h.inuse_bytes, h.function),
    )[:TOP_HOLDERS]

    findings = tuple(SiteFinding(s, _share(s.inuse_bytes, total), m) for s, m in zip(live[:top], site_matches))
    candidates = tuple(sorted(e.id for e in entries if e.category == "memory" and e.kind == "pattern"))
    notes = list(profile.notes)
    if not live:
        notes.append("no allocation site holds memory in this profile")
    return HeapReport(
        origin=origin,
        profile=profile,
        findings=findings,
        patterns=tuple(patterns),
        unmatched=tuple(unmatched),
        unmatched_bytes=unmatched_bytes,
        retention_candidates=candidates if unmatched else (),
        notes=tuple(notes),
    )


def analyze_heap(data: bytes, entries: Iterable[Entry], origin: str = "input") -> HeapReport:
    """Read a heap profile file in any form goleakhelp knows and match it to the KB."""
    return match_heap(read_heap_profile(data, origin), entries, origin)


def analyze_heap_text(text: str, entries: Iterable[Entry], origin: str = "input") -> HeapReport:
    """Match a heap profile already in text form (heap?debug=1, `go tool pprof -raw`) to the KB."""
    return match_heap(parse_heap_text(text, origin), entries, origin)


# Patterns covering less of the in-use memory are only named, not explained.
MIN_SHARE = 0.01


def leading_patterns(report: HeapReport) -> tuple[list[tuple[PatternCoverage, tuple[str, ...]]], list[str]]:
    """([(pattern, ids tied with it)], minor ids): the patterns worth explaining, largest first.
    Entries matched by the very same sites with the same bytes cannot be told apart by the
    profile, so they are one item with ties."""
    groups: dict[tuple, list[PatternCoverage]] = {}
    for p in report.patterns:
        groups.setdefault((p.inuse_bytes, tuple(id(s) for s in p.sites)), []).append(p)
    shown, minor = [], []
    for same in groups.values():
        if same[0].share < MIN_SHARE:
            minor += [p.id for p in same]
        else:
            shown.append((same[0], tuple(p.id for p in same[1:])))
    return shown, minor


def heap_items(report: HeapReport) -> list[tuple[int, str]]:
    """(position, entry id) of each pattern a report explains, in the order it shows them."""
    return [(n, p.id) for n, (p, _) in enumerate(leading_patterns(report)[0])]
