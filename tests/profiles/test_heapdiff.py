"""Heap diffs on profiles the Go runtime wrote part way through heapgen's leaks and at the end:
the three leaks grow, the plain map that was already full does not."""

from __future__ import annotations

import dataclasses
import json

import pytest

from goleakhelp.profiles.heap import read_heap_profile
from goleakhelp.profiles.heapdiff import FLAT_BYTES, diff_heap
from tests.conftest import run_cli
from tests.profiles.conftest import PROFILES, fixture_bytes, manifest

PAIRS = [("heap.base.pb.gz", "heap.pb.gz"), ("heap.base.debug1.txt", "heap.debug1.txt")]


def _diff(kb, base: str, new: str, **kwargs):
    return diff_heap(read_heap_profile(fixture_bytes(base)), read_heap_profile(fixture_bytes(new)), kb.entries.values(), base, new, **kwargs)


@pytest.mark.parametrize("base,new", PAIRS)
def test_the_leaks_grow_and_nothing_else(kb, base, new):
    diff = _diff(kb, base, new)
    assert not diff.flat and diff.grew_bytes > 4 << 20
    grown = {p.id for p in diff.patterns} | {t for p in diff.patterns for t in p.tied}
    assert set(manifest()["growing"]) <= grown
    for g in diff.growing:  # the map filled before the first profile is not growing
        assert manifest()["unmatched_top"] not in [f.function for f in g.frames]
    top = diff.growing[0]
    assert top.frames[-1].function == "main.keepUploadHeads" and top.grew_bytes == 4 << 20 and top.grew_objects >= 4


def test_ties_are_one_pattern(kb):
    diff = _diff(kb, *PAIRS[0])
    first = diff.patterns[0]
    assert first.id == "subslice-retention" and first.tied == ("substring-retention",)
    assert abs(sum(p.share for p in diff.patterns if not p.tied) + sum(p.share for p in diff.patterns if p.tied) - sum(p.share for p in diff.patterns)) < 1e-9
    assert sum(p.grew_bytes for p in diff.patterns) <= sum(g.grew_bytes for g in diff.growing) + 1


def test_rate_from_the_protobuf_timestamps(kb):
    diff = _diff(kb, *PAIRS[0])
    assert diff.elapsed_seconds is not None and 1.0 <= diff.elapsed_seconds < 60  # heapgen sleeps 1.1 s between them
    assert diff.per_minute == pytest.approx(diff.grew_bytes * 60 / diff.elapsed_seconds)


def test_text_profiles_have_no_times_unless_told(kb):
    assert _diff(kb, *PAIRS[1]).per_minute is None
    assert "no times" in " ".join(_diff(kb, *PAIRS[1]).notes)
    told = _diff(kb, *PAIRS[1], elapsed_seconds=120)
    assert told.per_minute == pytest.approx(told.grew_bytes / 2)


def test_same_profile_twice_is_flat_and_points_past_the_heap(kb):
    diff = _diff(kb, "heap.pb.gz", "heap.pb.gz")
    assert diff.flat and not diff.growing and not diff.patterns
    signals = {signal for signal, _ in diff.when_flat}
    assert signals == {"rss", "goroutines"}  # protobuf profiles cannot say which grew
    assert ("rss", "rss-above-heap") in diff.when_flat and ("rss", "cgo-unfreed") in diff.when_flat


def test_memstats_say_which_signal_grew(kb):
    base = read_heap_profile(fixture_bytes("heap.debug1.txt"))
    grown_sys = dataclasses.replace(base, memstats=dataclasses.replace(base.memstats, sys=base.memstats.sys + 10 * FLAT_BYTES))
    diff = diff_heap(base, grown_sys, kb.entries.values())
    assert diff.flat and {s for s, _ in diff.when_flat} == {"rss"}
    grown_stacks = dataclasses.replace(base, memstats=dataclasses.replace(base.memstats, stack_inuse=base.memstats.stack_inuse + 1 << 20))
    assert {s for s, _ in diff_heap(base, grown_stacks, kb.entries.values()).when_flat} == {"goroutines"}


def test_heap_command_diff_text_json_markdown(monkeypatch, capsys):
    base, new = (str(PROFILES / n) for n in PAIRS[0])
    code, out, _ = run_cli(monkeypatch, capsys, "heap", "--base", base, new)
    assert code == 1 and "subslice-retention" in out and "main.keepUploadHeads" in out and "per minute" in out
    code, out, _ = run_cli(monkeypatch, capsys, "heap", "--base", base, new, "--json")
    data = json.loads(out)
    assert code == 1 and data["grew_bytes"] > 0 and data["patterns"][0]["id"] == "subslice-retention"
    assert data["patterns"][0]["tied"] == ["substring-retention"] and data["patterns"][0]["title"]
    code, out, _ = run_cli(monkeypatch, capsys, "heap", "--base", base, new, "--format", "markdown", "--lang", "zh")
    assert code == 1 and out.startswith("**在用堆内存") and "```text" in out


def test_heap_command_flat_exits_0(monkeypatch, capsys):
    path = str(PROFILES / "heap.pb.gz")
    code, out, _ = run_cli(monkeypatch, capsys, "heap", "--base", path, path)
    assert code == 0 and "flat" in out and "rss-above-heap" in out


@pytest.mark.parametrize("name", ["heap.pb.gz", "heap.debug1.txt", "heap.raw.txt", "allocs.pb.gz"])
def test_heap_command_single_profile(monkeypatch, capsys, name):
    code, out, _ = run_cli(monkeypatch, capsys, "heap", str(PROFILES / name))
    assert code == 1 and "subslice-retention" in out
    code, out, _ = run_cli(monkeypatch, capsys, "heap", "-", "--format", "markdown", stdin=fixture_bytes(name))
    assert code == 1 and out.startswith("**") and "`subslice-retention`" in out
    code, out, _ = run_cli(monkeypatch, capsys, "heap", str(PROFILES / name), "--json")
    assert json.loads(out)["patterns"]


@pytest.mark.parametrize(
    "args,words",
    [
        (["heap", str(PROFILES / "goroutine.pb.gz")], "goroutine profile, not a heap profile"),
        (["heap", str(PROFILES / "manifest.yaml")], "not a heap profile"),
        (["heap", "--base", str(PROFILES / "heap.pb.gz"), str(PROFILES / "nonexistent.pb.gz")], "no such file"),
    ],
)
def test_heap_command_bad_input(monkeypatch, capsys, args, words):
    code, out, err = run_cli(monkeypatch, capsys, *args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
