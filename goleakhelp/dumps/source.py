"""Get a dump's bytes from a file, stdin, a gzip file or a pprof URL, and turn them into text.

Every failure is a UserError with one line saying what is wrong, never a traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.errors import UserError
from goleakhelp.inputs import GZIP_MAGIC, MAX_UNPACKED_BYTES

MAX_INPUT_BYTES = 2 * 1024**3  # a 1,000,000-goroutine debug=2 dump is about 220 MB
# runtime/pprof stops a debug=2 write when its buffer reaches 64 MiB.
RUNTIME_TEXT_CAP = 64 * 1024 * 1024


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
        path = Path(source)
        try:
            if path.is_dir():
                raise UserError(f"{source} is a folder; give the dump file")
            size = path.stat().st_size
            if size > max_bytes:
                raise UserError(f"{source} is {size:,} bytes; the limit is {max_bytes:,}")
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserError(f"{source}: no such file") from None
        except PermissionError:
            raise UserError(f"{source}: permission denied") from None
        except OSError as exc:
            raise UserError(f"{source}: cannot read: {exc.strerror or exc}") from None
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


@dataclass(frozen=True)
class DumpText:
    text: str
    origin: str
    byte_size: int  # of the (decompressed) input, to recognise the runtime's 64 MiB cut


def load_text(source: str | None, stdin=None) -> DumpText:
    """Read and decode a dump; the bytes are not kept, only the text."""
    raw = read_input(source, stdin)
    return DumpText(decode(raw), raw.origin, len(raw.data))
