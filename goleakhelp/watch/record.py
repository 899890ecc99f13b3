"""A watch as JSON lines: one object per sample, written as they come, read back by --replay."""

from __future__ import annotations

import json
from collections.abc import Iterator

from goleakhelp import __version__
from goleakhelp.errors import UserError
from goleakhelp.watch.sample import GroupCount, PlaceBytes, Sample

RECORD_VERSION = 1
MAX_RECORD_BYTES = 512 * 1024**2


def sample_line(root: str, sample: Sample) -> str:
    from goleakhelp.render.escape import json_text

    data = {
        "type": "sample",
        "record_version": RECORD_VERSION,
        "goleakhelp_version": __version__,
        "service": root,
        "time": sample.time,
        "goroutine_total": sample.goroutine_total,
        "goroutines": [[g.key, g.count, g.label, g.pattern] for g in sample.goroutines],
        "heap_inuse": sample.heap_inuse,
        "heap": [[p.key, p.inuse_bytes, p.inuse_objects, p.label, p.pattern] for p in sample.heap],
        "memstats": sample.memstats,
        "errors": list(sample.errors),
    }
    return json_text(data, indent=None)


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
