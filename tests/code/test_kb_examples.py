"""Every KB entry with a code detector: its leaky example is flagged with its id, its fixed one is not."""

from __future__ import annotations

import pytest

from goleakhelp.code.analyze import analyze_text
from goleakhelp.code.detectors import DETECTORS
from goleakhelp.knowledge.loader import load_knowledge_base

KB = load_knowledge_base()
# The leaky examples of these show behaviour before a Go release; analyse them as code for Go 1.21.
OLD_GO = (1, 21)


@pytest.mark.parametrize("entry_id", sorted(DETECTORS))
def test_leaky_example_is_flagged(entry_id):
    entry = KB.entries[entry_id]
    findings, errors = analyze_text(entry.code.leaky, f"{entry_id}/leaky.go", OLD_GO)
    assert errors == ()
    assert entry_id in {f.id for f in findings}


@pytest.mark.parametrize("entry_id", sorted(DETECTORS))
def test_fixed_example_is_not_flagged(entry_id):
    entry = KB.entries[entry_id]
    findings, _ = analyze_text(entry.code.fixed, f"{entry_id}/fixed.go", OLD_GO)
    assert [(f.line, f.message) for f in findings if f.id == entry_id] == []


@pytest.mark.parametrize("entry_id", ["time-after-loop", "ticker-unstopped"])
def test_timer_findings_only_before_go_1_23(entry_id):
    entry = KB.entries[entry_id]
    new, _ = analyze_text(entry.code.leaky, "x.go", (1, 23))
    assert entry_id not in {f.id for f in new}
    unknown, _ = analyze_text(entry.code.leaky, "x.go", None)
    flagged = [f for f in unknown if f.id == entry_id]
    assert flagged and flagged[0].confidence == "low" and "1.23" in flagged[0].note


def test_every_detector_has_a_kb_entry():
    assert set(DETECTORS) <= set(KB.entries)


def test_kb_says_which_entries_have_a_detector():
    """`detector: true` exactly for the entries with a detector; the others say why not."""
    with_flag = {e.id for e in KB.entries.values() if e.detector_missing is None}
    assert with_flag == set(DETECTORS)
    for entry in KB.entries.values():
        if entry.detector_missing is not None:
            assert entry.detector_missing.en and entry.detector_missing.zh
