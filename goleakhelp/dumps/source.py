"""Get a dump's bytes from a file, stdin, a gzip file or a pprof URL, and turn them into text.

`open_source` streams a plain file or stdin to the reader a megabyte at a time, so
a dump of a million goroutines is never held in memory whole; gzip input and URL answers
are bounded and held as bytes. Every failure is a UserError with one line saying what is
wrong, never a traceback.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.errors import UserError
from goleakhelp.inputs import GZIP_MAGIC, MAX_UNPACKED_BYTES, read_file

MAX_INPUT_BYTES = 2 * 1024**3  # a 1,000,000-goroutine debug=2 dump is about 220 MB
# runtime/pprof stops a debug=2 write when its buffer reaches 64 MiB.
RUNTIME_TEXT_CAP = 64 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
HEAD_BYTES = 65536


@dataclass(frozen=True)
class RawInput:
    data: bytes
    origin: str  # file name, "stdin" or the URL
    compressed: bool


def read_input(source: str | None, stdin=None, max_bytes: int = MAX_INPUT_BYTES) -> RawInput:
    """Read a dump from a path, '-' / None (stdin), or an http(s) URL; gunzip it when it is gzip."""
    if source and source.startswith(("http://", "https://")):
        data, origin = _read_url(source), source
    elif source in (None, "-"):
        stream = stdin if stdin is not None else sys.stdin
        if stream is None or (hasattr(stream, "isatty") and stream.isatty()):
            raise UserError("no dump given: pass a file, a URL, or pipe a dump into stdin (see --help)")
        buffer = getattr(stream, "buffer", stream)
        data, origin = buffer.read(max_bytes + 1), "stdin"
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
    else:
        data, _ = read_file(source, max_bytes, "dump file")
        origin = source
    if len(data) > max_bytes:
        raise UserError(f"{origin} is larger than the limit of {max_bytes:,} bytes")
    if not data.strip():
        raise UserError(f"{origin} is empty")
    compressed = data[:2] == GZIP_MAGIC
    if compressed:
        data = _gunzip(data, origin, max_bytes)
    return RawInput(data, origin, compressed)


def _gunzip(data: bytes, origin: str, max_bytes: int) -> bytes:
    from goleakhelp.inputs import gunzip

    return gunzip(data, origin, min(max_bytes, MAX_UNPACKED_BYTES))


def _read_url(url: str) -> bytes:
    from goleakhelp.inputs import fetch_url

    return fetch_url(url).data


def looks_binary(data: bytes) -> bool:
    """True for data no goroutine dump could be: NUL bytes or mostly non-text bytes."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    text_bytes = sum(1 for b in sample if b >= 32 or b in (9, 10, 13, 27))
    return text_bytes < 0.95 * len(sample)


def decode(raw: RawInput) -> str:
    if looks_binary(raw.data):
        if raw.compressed:
            raise UserError(
                f"{raw.origin} is a protobuf profile (gzip, binary), not a text dump; get text with "
                "?debug=2 on the pprof URL, or `go tool pprof -traces FILE` and pass that output"
            )
        raise UserError(f"{raw.origin} is binary data, not a goroutine dump")
    return raw.data.decode("utf-8", errors="replace")


class DumpSource:
    """A dump's bytes, read in chunks from the start (as often as a reader asks, but only
    once from stdin).

    `head` is the first 64 KiB (what forms are recognised by); `size` is the number of
    bytes read so far, the whole input's size once a reader has gone through it.
    """

    def __init__(self, origin: str, head: bytes, chunks, size: int = 0, compressed: bool = False, notes: tuple[str, ...] = ()) -> None:
        self.origin = origin
        self.head = head
        self._chunks = chunks
        self.size = size
        self.compressed = compressed
        self.notes = notes  # what was done to get the input (a URL asked for debug=2)

    def chunks(self) -> Iterator[bytes]:
        size = 0
        for chunk in self._chunks():
            size += len(chunk)
            yield chunk
        self.size = size

    @classmethod
    def from_bytes(cls, data: bytes, origin: str, compressed: bool = False) -> DumpSource:
        def chunks() -> Iterator[bytes]:
            for start in range(0, len(data), CHUNK_BYTES):
                yield data[start : start + CHUNK_BYTES]

        return cls(origin, data[:HEAD_BYTES], chunks, len(data), compressed)

    @classmethod
    def from_text(cls, text: str, origin: str = "input") -> DumpSource:
        return cls.from_bytes(text.encode("utf-8", "surrogateescape"), origin)


def open_source(source: str | None, stdin=None, max_bytes: int = MAX_INPUT_BYTES) -> DumpSource:
    """Like read_input, but a plain file is streamed from disk instead of read whole."""
    if source and not source.startswith(("http://", "https://")) and source != "-":
        path = Path(source)
        head, size = read_file(source, max_bytes, "dump file", head=HEAD_BYTES)
        if head[:2] != GZIP_MAGIC:
            if not head.strip() and size <= HEAD_BYTES:
                raise UserError(f"{source} is empty")

            def chunks() -> Iterator[bytes]:
                try:
                    with path.open("rb") as f:
                        while chunk := f.read(CHUNK_BYTES):
                            yield chunk
                except OSError as exc:
                    raise UserError(f"{source}: cannot read: {exc.strerror or exc}") from None

            return DumpSource(source, head, chunks, size)
    if source in (None, "-"):
        streamed = _stream_stdin(stdin, max_bytes)
        if streamed is not None:
            return streamed
    notes: tuple[str, ...] = ()
    if source and source.startswith(("http://", "https://")):
        wanted = debug2_url(source)
        if wanted != source:
            notes = (f"asked {wanted} instead of {source}: the same endpoint with debug=2 gives wait states, ids and creators",)
            source = wanted
    raw = read_input(source, stdin, max_bytes)
    data = DumpSource.from_bytes(raw.data, raw.origin, raw.compressed)
    data.notes = notes
    return data


def _stream_stdin(stdin, max_bytes: int) -> DumpSource | None:
    """Plain text piped in, read a chunk at a time (once); None for what read_input handles:
    a terminal, a text stream, gzip, or an input that starts with 64 KiB of blank space."""
    stream = stdin if stdin is not None else sys.stdin
    if stream is None or (hasattr(stream, "isatty") and stream.isatty()):
        return None
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return None
    head = buffer.read(HEAD_BYTES)
    if head[:2] == GZIP_MAGIC or not head.strip():
        return _whole_stdin(head + buffer.read(max_bytes + 1 - len(head)), max_bytes)

    def chunks() -> Iterator[bytes]:
        total = len(head)
        yield head
        while chunk := buffer.read(CHUNK_BYTES):
            total += len(chunk)
            if total > max_bytes:
                raise UserError(f"stdin is larger than the limit of {max_bytes:,} bytes")
            yield chunk

    return DumpSource("stdin", head, chunks)


def _whole_stdin(data: bytes, max_bytes: int) -> DumpSource:
    raw = read_input(None, io.BytesIO(data), max_bytes)
    return DumpSource.from_bytes(raw.data, raw.origin, raw.compressed)


def debug2_url(url: str) -> str:
    """A pprof goroutine (or goroutineleak) URL asking for debug=2; other URLs unchanged."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.path.rstrip("/").endswith(("/debug/pprof/goroutine", "/debug/pprof/goroutineleak")):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "debug"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("debug", "2")])))
