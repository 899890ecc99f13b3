"""Old Go versions' formats, crash and hang contexts, one leak as one finding, and where to start."""

from __future__ import annotations

import re

import pytest
import yaml

from goleakhelp.dumps.analyze import CONSEQUENCE, SAME_LEAK, analyze_dump
from goleakhelp.dumps.match import tied_best
from goleakhelp.dumps.model import DEADLOCK, SIGQUIT, TEST_TIMEOUT
from tests.dumps.conftest import DUMPGEN_SRC, DUMPS, fixture_text

OLD = DUMPS / "old"
OLD_RECORDS = yaml.safe_load((OLD / "manifest.yaml").read_text(encoding="utf-8"))


def _leaking(report, leak_function):
    rx = re.compile(leak_function)
    return [f for f in report.findings if any(rx.search(fr.function) for fr in f.group.frames)]


@pytest.mark.parametrize("record", OLD_RECORDS, ids=lambda r: f"{r['file']}:{r['expect']}")
def test_old_formats_map_to_the_same_patterns(record, entries):
    text = (OLD / record["file"]).read_text(encoding="utf-8")
    assert text.startswith(f"# Go {record['go_version'][2:]} format: ")
    report = analyze_dump(text, entries)
    assert report.context == record["context"]
    (finding,) = _leaking(report, record["leak_function"])
    assert finding.group.count == record["count"]
    assert record["expect"] in [m.id for m in tied_best(list(finding.matches))], [(m.id, m.points) for m in finding.matches]
    assert finding.suspicion in ("medium", "high")
    assert finding.group.created_by is None or finding.group.parent_ids == ()  # no `in goroutine N` before Go 1.21
    # The first line quotes the header format ("goroutine %D [%s]:"); it is not a log prefix.
    assert not any("prefix" in note for note in report.notes)


def test_the_most_specific_frame_wins_over_the_primitive(entries):
    """An old runtime parks a pipe writer in sync.Cond.Wait: still pipe-unclosed, not cond-no-signal."""
    report = analyze_dump((OLD / "go1.4.debug2-pipe.txt").read_text(encoding="utf-8"), entries)
    (finding,) = _leaking(report, r"^io\.\(\*pipe\)\.write$")
    assert finding.matches[0].id == "pipe-unclosed"
    assert "cond-no-signal" in [m.id for m in finding.matches[1:]]


def test_waitgroup_wait_is_a_missing_done_unless_the_source_shows_a_copy(entries):
    without = analyze_dump(fixture_text("wg-copied.debug2.txt"), entries)
    (finding,) = _leaking(without, r"^main\.sendNotifications$")
    assert finding.matches[0].id == "wg-missing-done"
    with_src = analyze_dump(fixture_text("wg-copied.debug2.txt"), entries, src=DUMPGEN_SRC)
    (finding,) = _leaking(with_src, r"^main\.sendNotifications$")
    assert finding.matches[0].id == "wg-copied"
    assert any("go notify(u, wg)" in e for e in finding.matches[0].evidence)
    missing = analyze_dump(fixture_text("wg-missing-done.debug2.txt"), entries, src=DUMPGEN_SRC)
    (finding,) = _leaking(missing, r"^main\.processAll$")
    assert finding.matches[0].id == "wg-missing-done"


@pytest.mark.parametrize(
    "name,context,leak_function",
    [
        ("wg-missing-done.fatal.txt", DEADLOCK, r"^main\.processAll$"),
        ("wg-missing-done.testtimeout.txt", TEST_TIMEOUT, r"^dumpgen\.processAll$"),
        ("server-no-timeouts.sigquit.txt", SIGQUIT, r"^net/http\.\(\*conn\)\.serve$"),
    ],
)
def test_crash_and_hang_contexts_rank_the_blocked_goroutines_first(name, context, leak_function, entries):
    report = analyze_dump(fixture_text(name), entries)
    assert report.context == context
    first = report.findings[0]
    assert any(re.search(leak_function, fr.function) for fr in first.group.frames), [f.group.frames[-1].function for f in report.findings[:3]]
    words = {DEADLOCK: "blocked forever", TEST_TIMEOUT: "timed out", SIGQUIT: "SIGQUIT"}[context]
    assert any(words in r for r in first.reasons), first.reasons


@pytest.mark.parametrize("name", ["http-body-unclosed.debug2.txt", "http-body-unclosed.leak2.txt"])
def test_one_unclosed_body_is_one_finding(name, entries):
    """readLoop and writeLoop of each persistConn, and the in-process server's conn.serve on
    the other end, are one leak: the client's cause, with the server side as a consequence."""
    report = analyze_dump(fixture_text(name), entries, src=DUMPGEN_SRC)
    (finding,) = _leaking(report, r"^net/http\.\(\*persistConn\)\.(readLoop|writeLoop)$")
    assert finding.matches[0].id == "http-body-unclosed"
    roles = {r.role: r.group for r in finding.related}
    assert roles[SAME_LEAK].frames[-1].function == "net/http.(*persistConn).writeLoop"
    assert roles[CONSEQUENCE].frames[-1].function == "net/http.(*conn).serve"
    assert roles[SAME_LEAK].count == roles[CONSEQUENCE].count == finding.group.count
    assert not _leaking(report, r"^net/http\.\(\*conn\)\.serve$")  # not a finding of its own
    assert all(f.matches[0].id != "server-no-timeouts" for f in report.suspicious if f.matches)
    assert any("consequence" in r for r in finding.reasons)


def test_transport_per_request_keeps_its_pairs_together(entries):
    report = analyze_dump(fixture_text("transport-per-request.debug2.txt"), entries)
    (finding,) = [f for f in report.findings if f.matches and f.matches[0].id == "transport-per-request"]
    assert SAME_LEAK in {r.role for r in finding.related}


def test_start_here_puts_user_code_before_a_larger_library_group(entries):
    """Equal suspicion: the goroutines blocked in the program's own code come first."""
    report = analyze_dump(fixture_text("chan-send-orphan.debug2.txt"), entries, src=DUMPGEN_SRC)
    assert report.findings[0].rank == 1
    assert report.findings[0].group.user_frame is not None
    ranks = [f.rank for f in report.findings]
    assert ranks == list(range(1, len(ranks) + 1))


def test_redacted_and_condensed_single_goroutine(entries):
    text = "goroutine NNNNN [chan send, 50 minutes]:\nmain.(*Worker).emit(...) /app/worker.go:88 +0x4f\ncreated by main.(*Worker).Start in goroutine NNN /app/worker.go:41 +0x91\n"
    report = analyze_dump(text, entries)
    assert report.excerpt
    (finding,) = report.findings
    assert finding.suspicion == "high" and finding.matches[0].id == "chan-send-orphan"
    assert finding.group.frames[0].location == "/app/worker.go:88"
    assert finding.group.created_by.function == "main.(*Worker).Start"
