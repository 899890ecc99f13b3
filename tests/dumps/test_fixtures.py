"""Every fixture dump written by the Go runtime: parsed, grouped, matched and judged as a person would."""

from __future__ import annotations

import re

import pytest

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.dumps.match import tied_best
from goleakhelp.dumps.parse import parse_dump
from tests.dumps.conftest import DUMPGEN_SRC, DUMPS, fixture_text, ids, manifest

TEXT_RECORDS = [r for r in manifest() if not r["file"].endswith(".gz")]
LEAK_RECORDS = [r for r in TEXT_RECORDS if r["expect"] != "healthy" and r.get("leak_function")]
HEALTHY_RECORDS = [r for r in TEXT_RECORDS if r["expect"] == "healthy"]

pytestmark = pytest.mark.skipif(not manifest(), reason="no fixture dumps: run scripts/make_dump_fixtures.py")


def _leaking(report, record):
    rx = re.compile(record["leak_function"])
    return [f for f in report.findings if any(rx.search(fr.function) for fr in f.group.frames)]


@pytest.mark.parametrize("record", TEXT_RECORDS, ids=ids(TEXT_RECORDS))
def test_every_fixture_parses(record):
    parsed = parse_dump(fixture_text(record))
    dump = parsed.dumps[-1]
    assert dump.total >= 1
    if dump.format == "goroutine-text":
        assert all(g.frames or g.stack_unavailable for g in dump.groups)
    if dump.declared_total is not None and record["format"] in ("debug1", "leak1"):
        assert dump.total == dump.declared_total


@pytest.mark.parametrize("record", LEAK_RECORDS, ids=ids(LEAK_RECORDS))
def test_leaking_group_matches_its_entry(record, entries):
    report = analyze_dump(fixture_text(record), entries, src=DUMPGEN_SRC)
    leaking = _leaking(report, record)
    assert leaking, f"no group has a frame matching {record['leak_function']}"
    # Entries with the same signature cannot be told apart by a dump; they tie for first.
    best = [m.id for f in leaking for m in tied_best(f.matches)]
    if record["format"] == "traces":  # function names only: no source line to break ties
        best = [m.id for f in leaking for m in f.matches]
    assert record["expect"] in best, (best, [(m.id, m.points) for f in leaking for m in f.matches])
    assert sum(f.group.count for f in leaking) >= record["leaked_count"]


@pytest.mark.parametrize("record", [r for r in LEAK_RECORDS if r["format"] == "debug2"], ids=ids([r for r in LEAK_RECORDS if r["format"] == "debug2"]))
def test_leaking_group_matches_without_source_too(record, entries):
    """Without --src the entry is still among the candidates (look-alikes may tie)."""
    report = analyze_dump(fixture_text(record), entries)
    candidates = {m.id for f in _leaking(report, record) for m in f.matches}
    assert record["expect"] in candidates


@pytest.mark.parametrize("record", HEALTHY_RECORDS, ids=ids(HEALTHY_RECORDS))
def test_healthy_dumps_report_nothing_suspicious(record, entries):
    report = analyze_dump(fixture_text(record), entries, src=DUMPGEN_SRC)
    assert [(f.suspicion, f.group.count, f.group.state, f.matches[:1]) for f in report.suspicious] == []


def test_leaked_markers_make_a_group_highly_suspicious(entries):
    leak2 = [r for r in LEAK_RECORDS if r["format"] == "leak2"]
    marked = 0
    for record in leak2:
        report = analyze_dump(fixture_text(record), entries)
        for f in _leaking(report, record):
            if f.group.leaked:
                marked += 1
                assert f.suspicion == "high"
    assert marked >= 5


def test_wrapped_dumps_read_like_the_original(entries):
    wrapped = [r for r in TEXT_RECORDS if r["format"].startswith("wrapped")]
    assert wrapped
    for record in wrapped:
        original = DUMPS / f"{record['scenario']}.debug2.txt"
        want = analyze_dump(original.read_text(encoding="utf-8"), entries)
        got = analyze_dump(fixture_text(record), entries)
        shape = lambda r: sorted((f.group.count, f.group.state, tuple(fr.function for fr in f.group.frames)) for f in r.findings)
        if record["format"] == "wrapped-two":
            assert got.dumps_found == 2 and any("2 dumps" in n for n in got.notes)
        else:
            assert shape(got) == shape(want), record["file"]


def test_wait_minutes_are_read(entries):
    minutes = [r for r in TEXT_RECORDS if r["format"] == "minutes"]
    assert minutes
    report = analyze_dump(fixture_text(minutes[0]), entries)
    assert max(f.group.wait_minutes[1] for f in report.findings) >= 1


@pytest.mark.parametrize("fmt", ["panic", "fatal", "sigquit", "testtimeout", "stack", "traces", "debug1", "leak1", "ancestors"])
def test_every_runtime_form_is_present_and_read(fmt, entries):
    recs = [r for r in TEXT_RECORDS if r["format"] == fmt]
    assert recs, f"no {fmt} fixture"
    for record in recs:
        report = analyze_dump(fixture_text(record), entries)
        assert report.total >= 1
        if fmt in ("panic", "fatal", "sigquit", "testtimeout"):
            assert report.header, "the crash's first line is kept"


def test_synctest_durable_states_and_elided_frames(entries):
    text = fixture_text("chan-recv-orphan.synctest.txt")
    dump = parse_dump(text).dumps[-1]
    durable = [g for g in dump.groups if g.durable]
    assert sum(g.durable for g in durable) == 4 and all(g.state == "chan receive" for g in durable)
    assert any(g.frames_elided for g in dump.groups)
    assert dump.header.startswith("panic: deadlock: main bubble goroutine has exited")


def test_goleak_failure_output(entries):
    report = analyze_dump(fixture_text("chan-recv-orphan.goleak.txt"), entries)
    assert report.format == "goleak"
    (finding,) = report.suspicious
    assert finding.group.count == 3 and finding.suspicion == "high"
    assert any("goleak found 3" in r for r in finding.reasons)
