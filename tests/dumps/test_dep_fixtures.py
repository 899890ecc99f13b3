"""Dumps of the patterns that need x/sync or grpc-go (testdata/depcase, real Debian sources) match their entries."""

from __future__ import annotations

import re

import pytest
import yaml

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.dumps.match import tied_best
from tests.conftest import REPO
from tests.dumps.conftest import DUMPS

DEPS = DUMPS / "deps"
RECORDS = yaml.safe_load((DEPS / "manifest.yaml").read_text(encoding="utf-8"))
DEPCASE_SRC = REPO / "testdata" / "depcase"


def _leaking(report, record):
    rx = re.compile(record["leak_function"])
    return [f for f in report.findings if any(rx.search(fr.function) for fr in f.group.frames)]


def test_every_dump_pattern_with_a_library_has_a_scenario():
    assert {r["expect"] for r in RECORDS} == {"errgroup-stuck", "grpc-conn-unclosed", "grpc-stream-unfinished"}
    assert {r["format"] for r in RECORDS} == {"debug2", "leak2"}


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_leaking_group_matches_its_entry(record, entries):
    report = analyze_dump((DEPS / record["file"]).read_text(encoding="utf-8"), entries, src=DEPCASE_SRC)
    leaking = _leaking(report, record)
    assert sum(f.group.count for f in leaking) >= record["leaked_count"]
    best = [m.id for f in leaking for m in tied_best(f.matches)]
    assert record["expect"] in best, [(f.group.state, [(m.id, m.points) for m in f.matches]) for f in leaking]


@pytest.mark.parametrize("record", [r for r in RECORDS if r["format"] == "debug2"], ids=lambda r: r["file"])
def test_leaking_group_matches_without_source_too(record, entries):
    report = analyze_dump((DEPS / record["file"]).read_text(encoding="utf-8"), entries)
    assert record["expect"] in {m.id for f in _leaking(report, record) for m in f.matches}
