"""Detectors that depend on where the code lives: test files and test-server packages."""

from __future__ import annotations

from goleakhelp.code.analyze import analyze_text

SERVER = """package {pkg}

import "net/http"

func newServer(h http.Handler) *http.Server {{
	return &http.Server{{Handler: h}}
}}
"""


def _ids(text: str, name: str) -> set[str]:
    findings, errors = analyze_text(text, name, (1, 27))
    assert errors == ()
    return {f.id for f in findings}


def test_server_without_timeouts_in_service_code_is_flagged():
    assert "server-no-timeouts" in _ids(SERVER.format(pkg="api"), "api/server.go")


def test_servers_built_by_tests_and_httptest_are_not():
    assert "server-no-timeouts" not in _ids(SERVER.format(pkg="api"), "api/server_test.go")
    assert "server-no-timeouts" not in _ids(SERVER.format(pkg="httptest"), "net/http/httptest/server.go")
