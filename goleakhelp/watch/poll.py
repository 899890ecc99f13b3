"""Poll a service at an interval: a stream of samples, for as long as asked."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from goleakhelp.errors import UserError
from goleakhelp.knowledge.entry import Entry
from goleakhelp.watch.sample import Sample, take_sample


def first_sample_problem(sample: Sample, root: str) -> str | None:
    """Why the very first poll shows this is no pprof service (every endpoint failed), or None."""
    if sample.goroutine_total is not None or sample.heap_inuse is not None:
        return None
    reasons = " ".join(sample.errors)
    if "HTTP 404" in reasons:
        return f"{root} answers but serves no /debug/pprof: import _ \"net/http/pprof\" in the service (or give the address it serves pprof on)"
    return sample.errors[0].split(": ", 1)[-1] if sample.errors else f"{root}: nothing could be read"


def poll(
    root: str,
    entries: Iterable[Entry],
    interval: float,
    duration: float | None = None,
    sample=take_sample,
    sleep=time.sleep,
    clock=time.monotonic,
) -> Iterator[Sample]:
    """Samples of `root` every `interval` seconds until `duration` has passed (forever when
    None). UserError when the first poll shows nothing there can be watched."""
    entries = list(entries)
    start = clock()
    n = 0
    while True:
        taken = sample(root, entries)
        if n == 0 and (problem := first_sample_problem(taken, root)) is not None:
            raise UserError(problem)
        yield taken
        n += 1
        next_at = start + n * interval
        if duration is not None and next_at - start > duration:
            return
        wait = next_at - clock()
        if wait > 0:
            sleep(wait)
