"""Read back a watch recorded as JSON lines (render/json.py writes them: one object per
sample as they come, and a summary last)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from goleakhelp.errors import UserError
from goleakhelp.watch.sample import GroupCount, PlaceBytes, Sample

RECORD_VERSION = 1  # of the lines render/json.py writes for `watch --json`
MAX_RECORD_BYTES = 512 * 1024**2


def read_record(text: str, origin: str) -> tuple[str, list[Sample]]:
    """(service, samples) of a recorded watch; UserError naming the line that is not one."""
    samples: list[Sample] = []
    root = ""
    for n, line in _lines(text):
        try:
            data = json.loads(line)
        except ValueError:
            raise UserError(f"{origin}:{n}: not JSON; expected a file written by `goleakhelp watch --json`") from None
        if not isinstance(data, dict) or data.get("type") not in ("sample", "summary"):
            raise UserError(f"{origin}:{n}: not a watch sample; expected a file written by `goleakhelp watch --json`")
        if data["type"] == "summary":
            continue
        try:
            root = str(data.get("service") or root)
            samples.append(
                Sample(
                    time=float(data["time"]),
                    goroutine_total=_optional_int(data.get("goroutine_total")),
                    goroutines=tuple(GroupCount(str(k), int(c), str(label), p if p is None else str(p)) for k, c, label, p in data.get("goroutines") or ()),
                    heap_inuse=_optional_int(data.get("heap_inuse")),
                    heap=tuple(PlaceBytes(str(k), int(b), int(o), str(label), p if p is None else str(p)) for k, b, o, label, p in data.get("heap") or ()),
                    memstats={str(k): int(v) for k, v in (data.get("memstats") or {}).items()} or None,
                    errors=tuple(str(e) for e in data.get("errors") or ()),
                )
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            raise UserError(f"{origin}:{n}: a sample with missing or wrong fields") from None
    if not samples:
        raise UserError(f"{origin} holds no samples; record one with `goleakhelp watch URL --json > FILE`")
    samples.sort(key=lambda s: s.time)
    return root, samples


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield n, line


def _optional_int(value) -> int | None:
    return None if value is None else int(value)

