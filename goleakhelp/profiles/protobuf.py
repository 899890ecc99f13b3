"""Recognise gzip-compressed protobuf pprof profiles and turn them into text with `go tool pprof`.

`/debug/pprof/heap`, `/debug/pprof/goroutine` (without ?debug=) and `go tool pprof -proto`
write a gzip-compressed `perftools.profiles.Profile` message (read here also after something
else, such as goleakhelp.dumps.source.read_input, has unpacked it). Only its top-level fields are
read here, to learn the sample types (`inuse_space`, `goroutine`, ...) from the string table;
decoding samples and stacks is left to `go tool pprof`, which prints

- `-traces` for goroutine profiles: the form goleakhelp.dumps reads already;
- `-raw` for heap and allocs profiles: every sample with all four values as exact integers
  and every location with function, file and line, which goleakhelp.profiles.heap reads.
  (`-traces` shows a single sample type, rounded to "12kB", so it is not used for heaps.)
"""

from __future__ import annotations

import gzip
import os
import subprocess
import tempfile
from dataclasses import dataclass

from goleakhelp.errors import UserError
from goleakhelp.knowledge.gocompile import find_go

GZIP_MAGIC = b"\x1f\x8b"
MAX_PROFILE_BYTES = 1 << 30  # decompressed; far above any real profile, below what exhausts memory
PPROF_TIMEOUT = 120  # seconds

# perftools.profiles.Profile field numbers (github.com/google/pprof/proto/profile.proto)
_SAMPLE_TYPE = 1
_STRING_TABLE = 6
_DEFAULT_SAMPLE_TYPE = 14

HEAP_KINDS = ("heap", "allocs")
GOROUTINE_KINDS = ("goroutine", "goroutineleak")
_NAMES = {
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
class ProfileInfo:
    """What kind of profile a protobuf file holds, read from its sample types."""

    kind: str  # "heap", "allocs", "goroutine", "goroutineleak", "cpu", "contention", "threadcreate", "unknown"
    sample_types: tuple[str, ...]  # ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")
    default_sample_type: str | None

    @property
    def description(self) -> str:
        return _NAMES[self.kind]


@dataclass(frozen=True)
class ConvertedProfile:
    info: ProfileInfo
    text: str  # `go tool pprof -traces` (goroutine kinds) or `-raw` (heap kinds) output
    command: str  # what was run, for notes: "go tool pprof -raw"


def is_gzip(data: bytes) -> bool:
    return data[:2] == GZIP_MAGIC


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while shift < 64:
        if i >= len(buf):
            raise ValueError("varint runs past the end")
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7
    raise ValueError("varint longer than 10 bytes")


def _fields(buf: bytes):
    """(field number, value) of one message's fields: ints for varints, bytes for length-delimited."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, i = _varint(buf, i)
            yield number, value
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise ValueError("field runs past the end")
            yield number, buf[i : i + size]
            i += size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"wire type {wire}")
    if i != len(buf):
        raise ValueError("last field runs past the end")


def _kind(types: tuple[str, ...], default: str | None) -> str:
    if "inuse_space" in types:
        return "allocs" if default in ("alloc_space", "alloc_objects") else "heap"
    first = types[0] if types else ""
    if first in GOROUTINE_KINDS or first == "threadcreate":
        return first
    if "cpu" in types or "samples" in types:
        return "cpu"
    if "contentions" in types or "delay" in types:
        return "contention"
    return "unknown"


def gunzip(data: bytes, origin: str = "input") -> bytes:
    """The decompressed bytes of a gzip file; UserError when it is damaged, cut short or huge."""
    from goleakhelp.inputs import gunzip as bounded_gunzip

    return bounded_gunzip(data, origin, MAX_PROFILE_BYTES)


def identify_profile(data: bytes, origin: str = "input") -> ProfileInfo:
    """Sample types and kind of a protobuf profile, gzip-compressed or not; UserError when it is not one."""
    raw = gunzip(data, origin) if is_gzip(data) else data
    strings: list[bytes] = []
    type_refs: list[int] = []
    default_ref = 0
    try:
        for number, value in _fields(raw):
            if number == _STRING_TABLE and isinstance(value, bytes):
                strings.append(value)
            elif number == _SAMPLE_TYPE and isinstance(value, bytes):
                ref = dict(_fields(value)).get(1, 0)
                type_refs.append(ref if isinstance(ref, int) else -1)
            elif number == _DEFAULT_SAMPLE_TYPE and isinstance(value, int):
                default_ref = value
    except ValueError:
        strings = []
    # Every pprof profile starts its string table with "" and names its sample types in it.
    if not strings or strings[0] != b"" or not type_refs or not all(0 < r < len(strings) for r in type_refs):
        what = "gzip-compressed but holds no pprof profile" if is_gzip(data) else "not a pprof profile"
        raise UserError(f"{origin} is {what}")
    types = tuple(strings[r].decode("utf-8", "replace") for r in type_refs)
    default = strings[default_ref].decode("utf-8", "replace") if 0 < default_ref < len(strings) else None
    return ProfileInfo(_kind(types, default), types, default)


def is_protobuf_profile(data: bytes) -> bool:
    """True for a pprof protobuf profile, gzip-compressed or already unpacked."""
    try:
        identify_profile(data)
    except UserError:
        return False
    return True


def text_command(info: ProfileInfo, path: str = "FILE") -> str:
    """The command that prints a profile of this kind as text goleakhelp reads."""
    if info.kind in GOROUTINE_KINDS:
        return f"go tool pprof -traces {path}"
    return f"go tool pprof -raw {path}"


def convert_profile(data: bytes, origin: str = "input", go: str | None = None, info: ProfileInfo | None = None) -> ConvertedProfile:
    """Print a protobuf goroutine profile with `go tool pprof -traces`, a heap or allocs profile with `-raw`.

    UserError for other kinds, and, without a Go toolchain, a message that says what the
    file is and which command turns it into text.
    """
    info = info or identify_profile(data, origin)
    if info.kind not in HEAP_KINDS + GOROUTINE_KINDS:
        raise UserError(f"{origin} is {info.description} (sample types: {', '.join(info.sample_types)}); goleakhelp reads heap, allocs and goroutine profiles")
    go = go or find_go()
    if go is None:
        raise UserError(
            f"{origin} is {info.description} in protobuf form and no Go toolchain was found to read it; "
            f"run `{text_command(info, origin)}` and pass its output, or fetch the text form (?debug=1)"
        )
    flag = "-traces" if info.kind in GOROUTINE_KINDS else "-raw"
    with tempfile.TemporaryDirectory(prefix="goleakhelp-pprof-") as tmp:
        path = os.path.join(tmp, "profile.pb.gz")
        with open(path, "wb") as f:
            f.write(data if is_gzip(data) else gzip.compress(data, mtime=0))
        env = {k: v for k, v in os.environ.items() if k not in ("GOFLAGS", "PPROF_BINARY_PATH")}
        # A local toolchain only, in an empty folder (no go.mod to obey), with no binary lookups:
        # Go profiles carry their own symbols.
        env.update(GOTOOLCHAIN="local", PPROF_TMPDIR=tmp, PPROF_BINARY_PATH=os.path.join(tmp, "none"))
        try:
            proc = subprocess.run(
                [go, "tool", "pprof", flag, "-symbolize=none", path],
                cwd=tmp,
                env=env,
                capture_output=True,
                timeout=PPROF_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UserError(f"`go tool pprof {flag}` took more than {PPROF_TIMEOUT} s on {origin}") from None
        except OSError as exc:
            raise UserError(f"cannot run {go}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"`go tool pprof {flag}` could not read {origin}: {reason[-1] if reason else f'exit status {proc.returncode}'}")
    return ConvertedProfile(info, proc.stdout.decode("utf-8", "replace"), f"go tool pprof {flag}")


def profile_text(data: bytes, origin: str = "input", go: str | None = None) -> str:
    """The text goleakhelp reads for a protobuf profile: `-traces` output for goroutine profiles
    (goleakhelp.dumps), `-raw` output for heap and allocs profiles (goleakhelp.profiles.heap)."""
    return convert_profile(data, origin, go).text
