"""Matching the allocation sites of a real heap profile to the KB's heap frames."""

from __future__ import annotations

import dataclasses

import pytest

from goleakhelp.profiles.heap import match_heap, match_site
from tests.profiles.conftest import manifest


def _pattern(report, entry_id):
    return next((p for p in report.patterns if p.id == entry_id), None)


@pytest.mark.parametrize("entry_id,function", sorted(manifest()["patterns"].items()))
def test_each_retention_pattern_is_found_at_its_function(report, entry_id, function):
    found = _pattern(report, entry_id)
    assert found is not None, f"{entry_id} not matched"
    assert found.sites[0].user_frame.function == function
    assert found.inuse_bytes == sum(s.inuse_bytes for s in found.sites)
    assert found.evidence and all(fm.function in {f.function for s in found.sites for f in s.frames} for fm in found.evidence)


def test_matches_work_on_the_raw_form_too(raw, kb):
    report = match_heap(raw, kb.entries.values(), "heap.raw.txt")
    for entry_id, function in manifest()["patterns"].items():
        assert _pattern(report, entry_id).sites[0].user_frame.function == function


def test_patterns_are_ranked_by_inuse_bytes_covered(report):
    covered = [p.inuse_bytes for p in report.patterns]
    assert covered == sorted(covered, reverse=True)
    assert report.patterns[0].id in ("subslice-retention", "substring-retention")
    assert report.patterns[0].share > 0.7


def test_evidence_names_the_frame_and_the_regex(report):
    top = _pattern(report, "subslice-retention")
    assert [(fm.function, fm.pattern) for fm in top.evidence] == [("io.ReadAll", r"^io\.ReadAll$")]
    cache = _pattern(report, "unbounded-cache")
    assert {fm.function for fm in cache.evidence} >= {"sync.(*Map).Store", "internal/sync.newEntryNode[...]"}


def test_the_profile_cannot_tell_subslice_from_substring(report):
    a, b = _pattern(report, "subslice-retention"), _pattern(report, "substring-retention")
    assert a.inuse_bytes == b.inuse_bytes and a.sites == b.sites


def test_more_specific_entry_wins_a_site(report):
    # propagateCancel's children map matches two ctx-lostcancel regexes and one of fat-context.
    site = next(f for f in report.findings if f.site.allocator.function == "context.(*cancelCtx).propagateCancel")
    assert [m.id for m in site.matches] == ["ctx-lostcancel", "fat-context"]
    assert len(site.matches[0].frames) == 2
    lost, fat = _pattern(report, "ctx-lostcancel"), _pattern(report, "fat-context")
    assert site.site in lost.sites and site.site not in fat.sites
    assert lost.inuse_bytes > fat.inuse_bytes


def test_findings_are_the_largest_sites(report, debug1):
    live = [s for s in debug1.sites if s.inuse_bytes > 0]
    assert [f.site for f in report.findings] == live[: len(report.findings)]
    assert report.findings[0].matches and report.findings[0].share > 0.7


def test_unmatched_memory_names_the_program_function_that_holds_it(report):
    top = report.unmatched[0]
    assert top.function == manifest()["unmatched_top"]
    assert top.location.startswith("heapgen/main.go:") and top.inuse_bytes > 500_000
    assert report.unmatched_bytes >= sum(h.inuse_bytes for h in report.unmatched)
    assert {"map-no-shrink", "unbounded-cache"} <= set(report.retention_candidates)


def test_unmatched_holder_points_at_patterns_matched_in_the_same_function(report):
    sessions = next(h for h in report.unmatched if h.function == "main.cacheSessions")
    assert sessions.near == ("unbounded-cache",)


def test_frames_beyond_the_program_code_do_not_match(debug1, kb):
    # main.main calls every allocating function; it says where the program ran, not what allocated.
    entry = dataclasses.replace(kb.entries["subslice-retention"], heap_frames=(r"^main\.main$",))
    assert match_site(debug1.sites[0], [entry]) == ()
    assert match_site(debug1.sites[0], [kb.entries["subslice-retention"]])


def test_entries_without_heap_frames_never_match(report, kb):
    frameless = {e.id for e in kb.entries.values() if not e.heap_frames}
    assert not frameless & {m.id for f in report.findings for m in f.matches}


def test_text_entry_point_and_follow_up_items(kb):
    from goleakhelp.profiles.heap import analyze_heap_text, heap_items
    from tests.profiles.conftest import fixture_bytes

    report = analyze_heap_text(fixture_bytes("heap.debug1.txt").decode(), kb.entries.values(), "heap.debug1.txt")
    items = heap_items(report)
    # The patterns the report explains, in the order it shows them; ties and minor ones are not items.
    assert [entry_id for _, entry_id in items] == ["subslice-retention", "unbounded-cache", "ctx-lostcancel", "fat-context"]
    assert [n for n, _ in items] == list(range(len(items)))
