"""Bounded reading of what users hand us: gzip streams and http(s) URLs.

Everything here has a limit on size and time, and every failure is a one-line
UserError: a damaged download, a gzip bomb or a server that never answers must
not become a traceback, a hang or an exhausted memory.
"""

from __future__ import annotations

import gzip
import io
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from goleakhelp.errors import UserError

GZIP_MAGIC = b"\x1f\x8b"

# A gzip stream may unpack to at most this many bytes (a 1,000,000-goroutine
# debug=2 dump is about 280 MB) ...
MAX_UNPACKED_BYTES = 1024**3
# ... and, past the first RATIO_FREE_BYTES, to at most RATIO_LIMIT times its own
# size. Real dumps and profiles compress 5 to 60 times; a bomb compresses a
# thousand times, and this stops it after a few seconds' work at most.
RATIO_FREE_BYTES = 64 * 1024**2
RATIO_LIMIT = 200
_CHUNK = 1024 * 1024


def is_gzip(data: bytes) -> bool:
    return data[:2] == GZIP_MAGIC


def gunzip(data: bytes, origin: str, max_bytes: int = MAX_UNPACKED_BYTES) -> bytes:
    """The unpacked bytes of a gzip stream (several members allowed); UserError when it is
    damaged, cut short, or unpacks past the limits above."""
    limit = max_bytes
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                size = out.tell()
                if size > limit:
                    raise UserError(f"{origin} unpacks to more than {limit:,} bytes; that is the limit for gzip input")
                if size > RATIO_FREE_BYTES and size > RATIO_LIMIT * len(data):
                    raise UserError(
                        f"{origin} unpacks to more than {RATIO_LIMIT} times its own size "
                        f"({len(data):,} bytes packed); that looks like a gzip bomb, not a dump or profile"
                    )
    except (OSError, EOFError, zlib.error) as exc:
        reason = "it is cut short" if isinstance(exc, EOFError) else "it is damaged"
        raise UserError(f"{origin} looks gzip-compressed but cannot be unpacked: {reason}; download it again") from None
    return out.getvalue()


def read_file(source: str, max_bytes: int, what: str = "file", head: int | None = None) -> tuple[bytes, int]:
    """(bytes, size) of a local file: the whole of it, or only its first `head` bytes; a
    folder, a missing or unreadable file, or one over `max_bytes` is a one-line UserError."""
    path = Path(source)
    try:
        if path.is_dir():
            raise UserError(f"{source} is a folder; give the {what}")
        size = path.stat().st_size
        if size > max_bytes:
            raise UserError(f"{source} is {size:,} bytes; the limit is {max_bytes:,}")
        if head is None:
            return path.read_bytes(), size
        with path.open("rb") as f:
            return f.read(head), size
    except FileNotFoundError:
        raise UserError(f"{source}: no such file") from None
    except PermissionError:
        raise UserError(f"{source}: permission denied") from None
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror or exc}") from None


# URL fetches: each of these bounds one thing a slow or hostile server could stretch.
CONNECT_TIMEOUT_SECONDS = 10.0
IDLE_TIMEOUT_SECONDS = 30.0  # no byte for this long (a big debug=2 dump takes seconds to start)
TOTAL_TIMEOUT_SECONDS = 120.0
MAX_URL_BYTES = 512 * 1024**2
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str  # after redirects
    content_type: str


def fetch_url(
    url: str,
    *,
    max_bytes: int = MAX_URL_BYTES,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    idle_timeout: float = IDLE_TIMEOUT_SECONDS,
    total_timeout: float = TOTAL_TIMEOUT_SECONDS,
) -> Fetched:
    """GET an http(s) URL with every wait and the size bounded; redirects only to http(s)."""
    import http.client
    import socket

    deadline = time.monotonic() + total_timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"{url}: only http and https URLs can be read (got {current!r})")
        try:
            port = parts.port
        except ValueError:
            raise UserError(f"{url}: the port is not a number") from None
        conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(parts.hostname, port, timeout=connect_timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            conn.connect()
            conn.sock.settimeout(max(0.01, min(idle_timeout, deadline - time.monotonic())))
            conn.request("GET", path, headers={"User-Agent": "goleakhelp", "Accept-Encoding": "gzip"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                conn.close()
                if not location:
                    raise UserError(f"{url}: the server redirected without saying where")
                current = urljoin(current, location)
                continue
            if response.status >= 400:
                raise UserError(f"{url}: the server answered HTTP {response.status} {response.reason}")
            data = _read_body(response, conn.sock, url, max_bytes, idle_timeout, deadline, total_timeout)
            return Fetched(data, current, response.getheader("Content-Type") or "")
        except UserError:
            raise
        except (TimeoutError, socket.timeout):
            raise UserError(f"{url}: no answer within {idle_timeout:.0f} s") from None
        except ConnectionRefusedError:
            raise UserError(f"{url}: cannot connect: connection refused; is the service running and serving on that port?") from None
        except socket.gaierror as exc:
            raise UserError(f"{url}: cannot connect: cannot resolve {parts.hostname}: {exc.strerror or exc}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise UserError(f"{url}: cannot read: {_reason(exc)}") from None
        finally:
            conn.close()
    raise UserError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read_body(response, sock, url: str, max_bytes: int, idle_timeout: float, deadline: float, total: float) -> bytes:
    body = io.BytesIO()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise UserError(f"{url}: the answer took longer than {total:.0f} s; stopped reading")
        if sock is not None:
            sock.settimeout(max(0.01, min(idle_timeout, remaining)))
        chunk = response.read1(_CHUNK)
        if not chunk:
            return body.getvalue()
        body.write(chunk)
        if body.tell() > max_bytes:
            raise UserError(f"{url}: the answer is larger than {max_bytes:,} bytes; stopped reading")


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(text.split())
