"""Steady growth against noise: the judgement `watch` makes from a series of samples."""

from __future__ import annotations

from goleakhelp.watch.sample import GroupCount, PlaceBytes, Sample
from goleakhelp.watch.trend import GOROUTINES, HEAP, MIN_BYTES, summarize, trends


def _samples(goroutines: dict[str, list[int]], heap: dict[str, list[int]] | None = None, every: float = 10.0) -> list[Sample]:
    n = len(next(iter(goroutines.values())))
    heap = heap or {}
    out = []
    for i in range(n):
        groups = tuple(GroupCount(k, v[i], f"{k} [chan send]", "chan-send-orphan" if k == "leak" else None) for k, v in goroutines.items() if v[i])
        places = tuple(PlaceBytes(k, v[i], v[i] // 64, k, None) for k, v in heap.items() if v[i])
        out.append(Sample(1000.0 + i * every, sum(g.count for g in groups), groups, sum(p.inuse_bytes for p in places), places, None, ()))
    return out


def _by_key(samples):
    return {(t.kind, t.key): t for t in trends(samples)}


def test_steady_growth_is_found_and_its_rate_measured():
    t = _by_key(_samples({"leak": [10, 20, 30, 40, 50]}))[(GOROUTINES, "leak")]
    assert t.steady and t.grew == 40
    assert abs(t.per_minute - 60.0) < 1e-6  # 10 more every 10 s


def test_what_does_not_trend_is_not_steady():
    found = _by_key(
        _samples(
            {
                "pool": [8, 8, 8, 8, 8],  # filled before the watch
                "load": [5, 30, 2, 28, 6],  # up and down with the requests
                "spike": [1, 1, 1, 1, 40],  # one jump
                "short": [1, 9, 9, 9, 9],  # a pool that filled during the watch, then stayed
            }
        )
    )
    assert not found[(GOROUTINES, "pool")].steady
    assert not found[(GOROUTINES, "load")].steady
    assert not found[(GOROUTINES, "spike")].steady
    assert not found[(GOROUTINES, "short")].steady


def test_too_few_samples_or_too_little_growth_is_not_steady():
    assert not _by_key(_samples({"leak": [10, 20]}))[(GOROUTINES, "leak")].steady
    assert not _by_key(_samples({"tiny": [1, 1, 2, 2, 3]}))[(GOROUTINES, "tiny")].steady  # within noise
    heap = _by_key(_samples({"x": [1, 1, 1, 1]}, {"cache": [0, MIN_BYTES, 2 * MIN_BYTES, 3 * MIN_BYTES]}))
    assert heap[(HEAP, "cache")].steady and heap[(HEAP, "cache")].values[0] == 0  # absent counts as none


def test_failed_polls_are_left_out_of_the_series():
    samples = _samples({"leak": [10, 20, 30, 40, 50]})
    broken = Sample(samples[2].time, None, (), None, (), None, ("goroutines: no answer within 10 s",))
    samples[2] = broken
    t = _by_key(samples)[(GOROUTINES, "leak")]
    assert t.values == (10, 20, 40, 50) and t.steady
    summary = summarize("http://127.0.0.1:1", samples)
    assert summary.failed_polls == 1 and summary.patterns == ("chan-send-orphan",)
    assert any("goleakhelp dump" in c for c in summary.commands)


def test_steady_growers_come_first():
    order = [t.key for t in trends(_samples({"pool": [8, 8, 8, 8], "leak": [1, 5, 9, 13]}))]
    assert order[0] == "leak"
