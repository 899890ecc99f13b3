"""One sample of a live service: its goroutines grouped as `goleakhelp dump` groups them,
its heap by allocation place, and its runtime.MemStats from /debug/vars where present.

Every fetch is bounded (goleakhelp.inputs) and a failed one is recorded in the sample, not
raised: a watch goes on through a timeout, a refused connection or an HTML error page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from goleakhelp.errors import UserError
from goleakhelp.knowledge.entry import Entry

# A poll must not take the service down with it, nor hang the watch.
POLL_MAX_BYTES = 128 * 1024**2
POLL_IDLE_SECONDS = 10.0
POLL_TOTAL_SECONDS = 30.0
MEMSTATS = ("Sys", "HeapInuse", "HeapObjects", "StackInuse", "NumGC")


@dataclass(frozen=True)
class GroupCount:
    key: str  # the group's non-runtime frames and creator: the same in every sample
    count: int
    label: str  # "main.lookup.func1 (leakserver/main.go:35) [chan send]"
    pattern: str | None  # best-matching KB entry


@dataclass(frozen=True)
class PlaceBytes:
    key: str  # the allocation path: from the allocation to the program's first frame
    inuse_bytes: int
    inuse_objects: int
    label: str  # "runtime.makeslice ← main.remember (leakserver/main.go:43)"
    pattern: str | None


@dataclass(frozen=True)
class Sample:
    time: float  # Unix time the sample was taken
    goroutine_total: int | None  # None when the goroutine poll failed
    goroutines: tuple[GroupCount, ...]
    heap_inuse: int | None  # None when the heap poll failed
    heap: tuple[PlaceBytes, ...]
    memstats: dict[str, int] | None  # from /debug/vars, when the service publishes expvar
    errors: tuple[str, ...]  # one line per failed poll


def service_root(url: str) -> str:
    """The service's base address from whatever pprof URL was given."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"{url!r}: give the service's http(s) address, such as http://localhost:6060")
    path = parts.path
    cut = path.find("/debug/")
    path = path[:cut] if cut >= 0 else path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def endpoints(root: str) -> dict[str, str]:
    return {
        "goroutine": f"{root}/debug/pprof/goroutine?debug=2",
        "heap": f"{root}/debug/pprof/heap",
        "vars": f"{root}/debug/vars",
    }


def _fetch(url: str) -> bytes:
    from goleakhelp.inputs import fetch_url

    return fetch_url(url, max_bytes=POLL_MAX_BYTES, idle_timeout=POLL_IDLE_SECONDS, total_timeout=POLL_TOTAL_SECONDS).data


def _frame_text(frame) -> str:
    return f"{frame.function} ({frame.location})" if frame.location else frame.function


def goroutine_groups(text: str, entries: list[Entry], origin: str) -> tuple[int, tuple[GroupCount, ...]]:
    """(total, groups) of a goroutine dump, grouped and matched as `goleakhelp dump` does."""
    from goleakhelp.dumps.analyze import analyze_dump
    from goleakhelp.dumps.model import is_runtime

    report = analyze_dump(text, entries, origin=origin)
    counts: dict[str, list] = {}
    for finding in report.findings:
        group = finding.group
        own = [f.function for f in group.frames if not is_runtime(f)]
        creator = group.created_by.function if group.created_by else ""
        key = " | ".join(own) + (f" <- {creator}" if creator else "")
        anchor = group.user_frame or next((f for f in group.frames if not is_runtime(f)), group.frames[0] if group.frames else None)
        label = f"{_frame_text(anchor)} [{group.state or '?'}]" if anchor else f"[{group.state or '?'}]"
        pattern = finding.matches[0].id if finding.matches else None
        acc = counts.setdefault(key, [0, label, pattern])
        acc[0] += group.count
    groups = tuple(GroupCount(key, n, label, pattern) for key, (n, label, pattern) in counts.items())
    return report.total, groups


def heap_places(data: bytes, entries: list[Entry], origin: str) -> tuple[int, tuple[PlaceBytes, ...]]:
    """(in-use bytes, places) of a heap profile, by allocation place as heap diffs compare them."""
    from goleakhelp.profiles.heap import SiteMatcher, best_matches, read_heap_profile, where_frames

    profile = read_heap_profile(data, origin)
    matcher = SiteMatcher(entries)
    places: dict[str, list] = {}
    for site in profile.sites:
        if site.inuse_bytes <= 0:
            continue
        path = site.allocation_path
        key = " | ".join(f"{f.function}@{f.file}:{f.line}" for f in path)
        acc = places.get(key)
        if acc is None:
            best = best_matches(matcher.match(site))
            acc = places[key] = [0, 0, where_frames(path), best[0].id if best else None]
        acc[0] += site.inuse_bytes
        acc[1] += site.inuse_objects
    return profile.inuse_bytes, tuple(PlaceBytes(k, b, o, label, p) for k, (b, o, label, p) in places.items())


def _memstats(data: bytes) -> dict[str, int] | None:
    try:
        values = json.loads(data.decode("utf-8", "replace")).get("memstats")
    except (ValueError, AttributeError):
        return None
    if not isinstance(values, dict):
        return None
    return {name: int(values[name]) for name in MEMSTATS if isinstance(values.get(name), (int, float))}


def take_sample(root: str, entries: Iterable[Entry], fetch=_fetch, clock=time.time) -> Sample:
    """Poll the service once; what failed is in `errors`."""
    entries = list(entries)
    urls = endpoints(root)
    errors: list[str] = []
    taken = clock()
    total, groups = None, ()
    try:
        total, groups = goroutine_groups(fetch(urls["goroutine"]).decode("utf-8", "replace"), entries, urls["goroutine"])
    except UserError as exc:
        errors.append(f"goroutines: {exc}")
    heap_inuse, heap = None, ()
    try:
        heap_inuse, heap = heap_places(fetch(urls["heap"]), entries, urls["heap"])
    except UserError as exc:
        errors.append(f"heap: {exc}")
    memstats = None
    try:
        memstats = _memstats(fetch(urls["vars"]))
    except UserError:
        pass  # expvar is optional: most services do not publish it
    return Sample(taken, total, tuple(groups), heap_inuse, tuple(heap), memstats, tuple(errors))
