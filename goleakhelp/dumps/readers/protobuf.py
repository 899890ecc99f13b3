"""Protobuf goroutine profiles: what /debug/pprof/goroutine and /debug/pprof/goroutineleak
write without ?debug=, and `go tool pprof -proto`, decoded with pprof's own schema.

Each sample is one stack with a count, its pprof labels, and every frame with its file
and line (inlined calls included), runtime frames too. There are no ids, no wait states
and no creators: the state is read from the runtime frame a goroutine parked in
(runtime.chansend, sync.runtime_SemacquireWaitGroup, ...), as for `go tool pprof -traces`.
"""

from __future__ import annotations

from goleakhelp.dumps.build import DumpBuilder, Interner
from goleakhelp.dumps.header import HeadState
from goleakhelp.dumps.model import Dump, Shows
from goleakhelp.dumps.source import DumpSource
from goleakhelp.errors import UserError
from goleakhelp.waitreasons import parked_state

SHOWS = Shows(ids=False, wait_states=False, creators=False, counts=True)
MAX_PROFILE_BYTES = 512 * 1024**2


def looks_like_profile(head: bytes) -> bool:
    """The start of an unpacked pprof Profile message: its first field is a sample type (1)
    or, as runtime/pprof writes it, the period type (11), each a small ValueType of two
    string indices: 0a|5a LEN 08 type 10 unit."""
    if len(head) < 6 or head[0] not in (0x0A, 0x5A) or head[1] > 0x20 or head[2] != 0x08:
        return False
    i = 3
    while i < len(head) and head[i] & 0x80:  # the type's varint
        i += 1
    return i + 1 < len(head) and head[i + 1] == 0x10


def profile_bytes(source: DumpSource) -> bytes:
    data = bytearray()
    for chunk in source.chunks():
        data += chunk
        if len(data) > MAX_PROFILE_BYTES:
            raise UserError(f"{source.origin} is larger than {MAX_PROFILE_BYTES:,} bytes, more than any goroutine profile")
    return bytes(data)


def read_protobuf(source: DumpSource) -> list[Dump]:
    from goleakhelp.profiles.pprof import GOROUTINE_KINDS, decode_profile

    profile = decode_profile(profile_bytes(source), source.origin)
    if profile.kind not in GOROUTINE_KINDS:
        raise UserError(f"{source.origin} is {profile.description}, not a goroutine profile; read it with `goleakhelp heap {source.origin}`")
    leak = profile.kind == "goroutineleak"
    builder = DumpBuilder("protobuf", "pprof-proto-leak" if leak else "pprof-proto", SHOWS)
    interner = Interner()
    heads: dict[tuple, HeadState] = {}
    for sample in profile.samples:
        count = sample.values[0] if sample.values else 0
        if count <= 0 or not sample.frames:
            continue
        frames = [interner.frame(f.function, f.file, f.line, f.inlined) for f in sample.frames]
        stack = interner.stack(frames, None, False)
        labels = tuple(sorted(sample.labels))
        key = (stack.key, labels)
        head = heads.get(key)
        if head is None:
            head = heads[key] = HeadState(parked_state(f.function for f in frames), leaked=leak, labels=labels)
        builder.add(stack, head, None, None, count)
    if builder.empty:
        raise UserError(f"{source.origin} is {profile.description} with no goroutines in it")
    return [builder.build()]
