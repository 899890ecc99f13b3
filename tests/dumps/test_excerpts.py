"""Excerpts as people paste them (cut from runtime-written dumps by scripts/make_dump_excerpts.py):
each is read without a traceback and its leaking goroutines still match their pattern."""

from __future__ import annotations

import re

import pytest
import yaml

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.dumps.match import tied_best
from tests.dumps.conftest import DUMPGEN_SRC, DUMPS

EXCERPTS = DUMPS / "excerpts"
RECORDS = yaml.safe_load((EXCERPTS / "manifest.yaml").read_text(encoding="utf-8"))


def _text(record) -> str:
    return (EXCERPTS / record["file"]).read_text(encoding="utf-8")


def _leaking(report, record):
    rx = re.compile(record["leak_function"])
    return [f for f in report.findings if any(rx.search(fr.function) for fr in f.group.frames)]


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_excerpt_names_its_pattern(record, entries):
    report = analyze_dump(_text(record), entries, src=DUMPGEN_SRC)
    leaking = _leaking(report, record)
    assert leaking, (record["file"], [(f.group.count, f.group.state, [fr.function for fr in f.group.frames]) for f in report.findings])
    best = {m.id for f in leaking for m in tied_best(list(f.matches))}
    best |= {m.id for f in report.findings for r in f.related for m in f.matches[:1] if any(re.search(record["leak_function"], fr.function) for fr in r.group.frames)}
    assert record["expect"] in best, (record["file"], [(f.group.state, [(m.id, m.points) for m in f.matches]) for f in leaking])
    assert any(f.suspicion != "none" for f in leaking)
    assert all(fr.function and "\t" not in fr.function for f in report.findings for fr in f.group.frames)


@pytest.mark.parametrize("record", [r for r in RECORDS if r["shape"] not in ("instances",)], ids=lambda r: r["file"])
def test_an_excerpt_rests_on_what_it_shows(record, entries):
    """No counts to go by: the wait state, the user frame and the pattern make it a finding."""
    report = analyze_dump(_text(record), entries, src=DUMPGEN_SRC)
    assert report.excerpt
    finding = _leaking(report, record)[0]
    assert finding.suspicion in ("medium", "high"), (finding.suspicion, finding.reasons)
    assert finding.rank == 1


def test_redacted_ids_are_no_ids(entries):
    (record,) = [r for r in RECORDS if r["file"] == "chan-send-orphan.redacted.txt"]
    report = analyze_dump(_text(record), entries)
    assert report.dumps_found == 1
    assert all(not f.group.ids and not f.group.parent_ids for f in report.findings)


def test_cut_last_frame_is_kept_and_marked(entries):
    (record,) = [r for r in RECORDS if r["file"] == "chan-send-orphan.cut.txt"]
    report = analyze_dump(_text(record), entries)
    assert report.truncated
    assert any("cut off" in n for n in report.notes)


def test_instances_line_counts_the_stack(entries):
    (record,) = [r for r in RECORDS if r["file"] == "http-body-unclosed.instances.txt"]
    report = analyze_dump(_text(record), entries)
    n = int(re.search(r"(\d+) instances of", _text(record)).group(1))
    assert max(f.group.count for f in report.findings) == n


def test_a_headless_first_block_is_read(entries):
    (record,) = [r for r in RECORDS if r["file"] == "pipe-unclosed.headless.txt"]
    text = _text(record)
    headers = len(re.findall(r"(?m)^goroutine \d+ \[", text))
    report = analyze_dump(text, entries)
    assert sum(f.group.count for f in report.findings) == headers + 1
    assert any(("", 1) in f.group.states for f in report.findings if f.matches and f.matches[0].id == "pipe-unclosed")
