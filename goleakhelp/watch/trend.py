"""What keeps growing across the samples of a watch: a series per goroutine group and per
heap place, its growth per minute, and whether the growth is steady.

Steady means a trend, not a spike: at least MIN_SAMPLES samples, the last value above the
first by a margin that is more than noise (MIN_GOROUTINES goroutines, MIN_BYTES of heap),
a positive least-squares slope, most steps not going down, more than one step up, and
still rising in the second half. A pool that fills once and stays, a single jump, or a
count that goes up and down with the load is not steady growth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goleakhelp.watch.sample import Sample

MIN_SAMPLES = 3
MIN_GOROUTINES = 3
MIN_BYTES = 256 * 1024
MIN_RISING_SHARE = 0.6  # of the steps between samples that do not go down
GOROUTINES, HEAP = "goroutines", "heap"


@dataclass(frozen=True)
class Trend:
    kind: str  # GOROUTINES or HEAP
    key: str
    label: str
    pattern: str | None
    values: tuple[int, ...]  # one per sample that could be read (0 where the key was absent)
    times: tuple[float, ...]
    per_minute: float  # least-squares slope
    steady: bool

    @property
    def now(self) -> int:
        return self.values[-1]

    @property
    def grew(self) -> int:
        return self.values[-1] - self.values[0]


def _slope(times: Sequence[float], values: Sequence[int]) -> float:
    n = len(times)
    if n < 2:
        return 0.0
    mt, mv = sum(times) / n, sum(values) / n
    var = sum((t - mt) ** 2 for t in times)
    if var == 0:
        return 0.0
    return sum((t - mt) * (v - mv) for t, v in zip(times, values)) / var


def _steady(values: Sequence[int], slope: float, margin: int) -> bool:
    if len(values) < MIN_SAMPLES or slope <= 0 or values[-1] - values[0] < margin:
        return False
    steps = list(zip(values, values[1:]))
    if sum(1 for a, b in steps if b >= a) < MIN_RISING_SHARE * len(steps):
        return False
    # Still growing in the second half (not a pool that filled once), and more than one jump.
    middle = values[len(values) // 2]
    return values[-1] - middle >= max(1, margin // 2) and sum(1 for a, b in steps if b > a) >= 2


def trends(samples: Sequence[Sample]) -> tuple[Trend, ...]:
    """A trend for every goroutine group and heap place seen, steady growers first, then by
    growth per minute."""
    out: list[Trend] = []
    for kind, margin in ((GOROUTINES, MIN_GOROUTINES), (HEAP, MIN_BYTES)):
        readable = [s for s in samples if (s.goroutine_total if kind == GOROUTINES else s.heap_inuse) is not None]
        series: dict[str, list] = {}
        for i, sample in enumerate(readable):
            items = sample.goroutines if kind == GOROUTINES else sample.heap
            for item in items:
                acc = series.setdefault(item.key, [item.label, item.pattern, [0] * len(readable)])
                acc[2][i] += item.count if kind == GOROUTINES else item.inuse_bytes
                acc[0], acc[1] = item.label, item.pattern or acc[1]
        times = tuple(s.time for s in readable)
        for key, (label, pattern, values) in series.items():
            slope = _slope(times, values) * 60.0
            out.append(Trend(kind, key, label, pattern, tuple(values), times, slope, _steady(values, slope, margin)))
    out.sort(key=lambda t: (not t.steady, t.kind != GOROUTINES, -t.per_minute, t.key))
    return tuple(out)


@dataclass(frozen=True)
class WatchSummary:
    root: str
    samples: int
    seconds: float
    failed_polls: int
    goroutine_totals: tuple[int, ...]
    heap_totals: tuple[int, ...]
    growing: tuple[Trend, ...]  # steady growers, goroutines first
    patterns: tuple[str, ...]  # KB entries of the steady growers, in order of first mention
    commands: tuple[str, ...]  # to dig in


def summarize(root: str, samples: Sequence[Sample]) -> WatchSummary:
    from goleakhelp.watch.sample import endpoints

    all_trends = trends(samples)
    growing = tuple(t for t in all_trends if t.steady)
    patterns: list[str] = []
    for t in growing:
        if t.pattern and t.pattern not in patterns:
            patterns.append(t.pattern)
    urls = endpoints(root)
    commands = []
    if any(t.kind == GOROUTINES for t in growing):
        commands.append(f"goleakhelp dump '{urls['goroutine']}'")
    if any(t.kind == HEAP for t in growing):
        commands.append(f"curl -s -o base.pb.gz {urls['heap']}; sleep 300; goleakhelp heap --base base.pb.gz {urls['heap']}")
    commands += [f"goleakhelp show {p}" for p in patterns[:3]]
    seconds = samples[-1].time - samples[0].time if len(samples) > 1 else 0.0
    return WatchSummary(
        root=root,
        samples=len(samples),
        seconds=seconds,
        failed_polls=sum(1 for s in samples if s.errors),
        goroutine_totals=tuple(s.goroutine_total for s in samples if s.goroutine_total is not None),
        heap_totals=tuple(s.heap_inuse for s in samples if s.heap_inuse is not None),
        growing=growing,
        patterns=tuple(patterns),
        commands=tuple(commands),
    )
