"""Read pprof protobuf profiles natively, with the official profile.proto schema.

`/debug/pprof/heap`, `/debug/pprof/allocs`, `/debug/pprof/goroutine` (without ?debug=),
`/debug/pprof/goroutineleak` and `go tool pprof -proto` write a `perftools.profiles.Profile`
message, usually gzip-compressed. Go profiles carry their own symbols: every location
has its function names, files and lines, inlined calls included, so no binary and no Go
toolchain is needed to read them.

The result is plain values, kept as pprof keeps them: the sample types, the frames of each
location (innermost first; a location with inlined calls gives one frame per call, the
inlined ones marked), and each sample's location ids, values and labels. `samples` gives
each sample with its frames.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat

from goleakhelp.dumps.model import Frame
from goleakhelp.errors import UserError
from goleakhelp.inputs import gunzip, is_gzip

MAX_PROFILE_BYTES = 1 << 30  # unpacked; far above any real profile, below what exhausts memory

HEAP_KINDS = ("heap", "allocs")
GOROUTINE_KINDS = ("goroutine", "goroutineleak")
KIND_NAMES = {
    "heap": "a heap profile",
    "allocs": "an allocs profile",
    "goroutine": "a goroutine profile",
    "goroutineleak": "a goroutineleak profile",
    "cpu": "a CPU profile",
    "contention": "a block or mutex profile",
    "threadcreate": "a threadcreate profile",
    "unknown": "a pprof profile of an unknown kind",
}


@dataclass(frozen=True)
class Sample:
    values: tuple[int, ...]  # one per sample type
    frames: tuple[Frame, ...]  # innermost first
    labels: tuple[tuple[str, str], ...] = ()  # string labels, as pprof labels set them; numbers as text


@dataclass(frozen=True)
class Profile:
    """A profile as pprof stores it: a table of locations, and samples that refer to it by id.
    A profile of many stacks is read without building each sample's frames: heap_from_pprof
    merges samples by their location ids first and resolves frames once per distinct stack."""

    sample_types: tuple[str, ...]  # ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")
    units: tuple[str, ...]  # ("count", "bytes", ...)
    default_sample_type: str  # "" when the profile names none
    period_type: str  # "space" for heap profiles, "goroutine" ...
    period: int  # heap: runtime.MemProfileRate
    time_nanos: int
    duration_nanos: int
    locations: Mapping[int, tuple[Frame, ...]]  # by id; innermost first, inlined calls included
    stacks: tuple[tuple[int, ...], ...]  # per sample: its location ids, innermost first (all listed in `locations`)
    values: tuple[tuple[int, ...], ...]  # per sample: one value per sample type
    labels: tuple[tuple[tuple[str, str], ...], ...] | None = None  # per sample; None when not read
    comments: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        types = self.sample_types
        if "inuse_space" in types:
            return "allocs" if self.default_sample_type in ("alloc_space", "alloc_objects") else "heap"
        first = types[0] if types else ""
        if first in GOROUTINE_KINDS or first == "threadcreate":
            return first
        if "cpu" in types or "samples" in types:
            return "cpu"
        if "contentions" in types or "delay" in types:
            return "contention"
        return "unknown"

    @property
    def description(self) -> str:
        return KIND_NAMES[self.kind]

    def column(self, sample_type: str) -> int | None:
        return self.sample_types.index(sample_type) if sample_type in self.sample_types else None

    def frames(self, stack: tuple[int, ...]) -> tuple[Frame, ...]:
        """The frames of a stack of location ids, innermost first."""
        return tuple(chain.from_iterable(map(self.locations.__getitem__, stack)))

    @cached_property
    def samples(self) -> tuple[Sample, ...]:
        """Every sample with its frames (and labels, when read)."""
        labels = self.labels if self.labels is not None else repeat(())
        return tuple(Sample(values, self.frames(stack), lb) for stack, values, lb in zip(self.stacks, self.values, labels))


def _message_class():
    from goleakhelp.profiles.proto.profile_pb2 import Profile as ProfileMessage

    return ProfileMessage


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading a profile of many stacks makes hundreds of thousands of small tuples and no
    reference cycles; the garbage collector's passes over them took a quarter of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def decode_profile(data: bytes, origin: str = "input", labels: bool = True) -> Profile:
    """The profile in `data` (gzip-compressed or not); UserError when it is no pprof profile,
    or is damaged or cut short. `labels=False` leaves the samples' labels unread (None): on
    a profile of many stacks they cost as much as the rest of a sample."""
    from google.protobuf.message import DecodeError

    raw = gunzip(data, origin, MAX_PROFILE_BYTES) if is_gzip(data) else data
    message = _message_class()()
    try:
        message.ParseFromString(raw)
    except (DecodeError, RuntimeError, ValueError):
        what = "gzip-compressed but holds no pprof profile" if is_gzip(data) else "not a pprof profile"
        raise UserError(f"{origin} is {what}, or it is damaged or cut short") from None
    strings = list(message.string_table)
    # Every pprof profile starts its string table with "" and names its sample types in it.
    if not strings or strings[0] != "" or not message.sample_type:
        what = "gzip-compressed but holds no pprof profile" if is_gzip(data) else "not a pprof profile"
        raise UserError(f"{origin} is {what}")

    def text(index: int) -> str:
        if 0 <= index < len(strings):
            return strings[index]
        raise UserError(f"{origin} is damaged: it refers to string {index} of a table of {len(strings)}")

    functions = {f.id: (text(f.name), text(f.filename)) for f in message.function}
    # One Frame per distinct (function, file, line, inlined), shared by every location with
    # it: stacks can then be compared by the identity of their frames.
    interned: dict[tuple, Frame] = {}

    def frame(function: str, file: str, line: int, inlined: bool) -> Frame:
        key = (function, file, line, inlined)
        found = interned.get(key)
        if found is None:
            found = interned[key] = Frame(function, file, line, inlined)
        return found

    locations: dict[int, tuple[Frame, ...]] = {}
    for loc in message.location:
        lines = list(loc.line)
        frames = []
        # The last line is the function the preceding ones were inlined into.
        for k, line in enumerate(lines):
            name, file = functions.get(line.function_id, ("", ""))
            frames.append(frame(name or f"{loc.address:#x}", file, int(line.line), k < len(lines) - 1))
        if not frames:  # unsymbolized: only an address
            frames.append(frame(f"{loc.address:#x}", "", 0, False))
        locations[loc.id] = tuple(frames)

    types = tuple(text(t.type) for t in message.sample_type)
    # Whole columns at a time: one pass per field is faster than one object per sample.
    samples = message.sample
    stacks = tuple([tuple(s.location_id) for s in samples])
    values = tuple([tuple(s.value) for s in samples])
    if set(map(len, values)) - {len(types)}:
        wrong = next(len(v) for v in values if len(v) != len(types))
        raise UserError(f"{origin} is damaged: a sample has {wrong} values for {len(types)} sample types")
    if not set().union(*stacks) <= locations.keys():
        missing = next(i for stack in stacks for i in stack if i not in locations)
        raise UserError(f"{origin} is damaged or cut short: a sample refers to location {missing}, which it does not list")
    sample_labels = None
    if labels:
        sample_labels = tuple(
            tuple((text(lb.key), text(lb.str) if lb.str else str(lb.num)) for lb in s.label) if s.label else () for s in samples
        )
    return Profile(
        sample_types=types,
        units=tuple(text(t.unit) for t in message.sample_type),
        default_sample_type=text(message.default_sample_type) if message.default_sample_type else "",
        period_type=text(message.period_type.type) if message.HasField("period_type") else "",
        period=int(message.period),
        time_nanos=int(message.time_nanos),
        duration_nanos=int(message.duration_nanos),
        locations=locations,
        stacks=stacks,
        values=values,
        labels=sample_labels,
        comments=tuple(text(c) for c in message.comment),
    )


def is_protobuf_profile(data: bytes) -> bool:
    """True for a pprof protobuf profile, gzip-compressed or already unpacked."""
    try:
        decode_profile(data, labels=False)
    except UserError:
        return False
    return True
