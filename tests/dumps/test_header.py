"""Goroutine header lines, as the runtime prints them (real lines quoted from Go 1.27 dumps)."""

from __future__ import annotations

import pytest

from goleakhelp.dumps.header import HEADER, parse_labels, parse_state


@pytest.mark.parametrize(
    "line,gid,state,extra",
    [
        ("goroutine 19 [chan send (leaked)]:", 19, "chan send", {"leaked": True}),
        ("goroutine 28 [select (no cases) (leaked), locked to thread]:", 28, "select (no cases)", {"leaked": True, "locked_to_thread": True}),
        ("goroutine 1 gp=0x313633ae1e0 m=0 mp=0x5f1620 [running]:", 1, "running", {}),
        ("goroutine 7 gp=0xc000003dc0 m=nil [chan receive, 12 minutes]:", 7, "chan receive", {"wait_minutes": 12}),
        ("goroutine 9 [chan receive (durable), 1 minutes, synctest bubble 3]:", 9, "chan receive", {"durable": True, "wait_minutes": 1}),
        ("goroutine 31 [sync.WaitGroup.Wait (leaked), 3 minutes]:", 31, "sync.WaitGroup.Wait", {"leaked": True, "wait_minutes": 3}),
    ],
)
def test_header_fields(line, gid, state, extra):
    m = HEADER.match(line)
    assert m and int(m.group("id")) == gid
    head = parse_state(m.group("state"))
    assert head.state == state
    for key, value in extra.items():
        assert getattr(head, key) == value


def test_labels_quoted_and_plain():
    line = 'goroutine 26 [select (no cases)] {handler: upload, "req id": 42}:'
    m = HEADER.match(line)
    assert parse_state(m.group("state")).state == "select (no cases)"
    assert parse_labels(m.group("labels")) == (("handler", "upload"), ("req id", "42"))


def test_labels_with_escaped_quotes_and_commas():
    assert parse_labels('"a,b": "x \\"y\\"", k: v') == (("a,b", 'x "y"'), ("k", "v"))


@pytest.mark.parametrize(
    "line,gid,state",
    [
        ("goroutine NNNNN [chan send, 50 minutes]:", None, "chan send"),
        ("goroutine <id> [select]:", None, "select"),
        ("goroutine 16 [semacquire]:**", 16, "semacquire"),
        ("    service_test.go:41: goroutine 37 [chan send, 1 minutes]:", 37, "chan send"),
        ("Dec  3 12:00:01 api-7 app[4242]: goroutine 5 [IO wait, 3 minutes]:", 5, "IO wait"),
    ],
)
def test_headers_as_pasted(line, gid, state):
    from goleakhelp.dumps.header import goroutine_id
    from goleakhelp.dumps.readers.text import TextReader

    m = TextReader()._header(line)
    assert m is not None
    assert goroutine_id(m.group("id")) == gid
    assert parse_state(m.group("state")).state == state


@pytest.mark.parametrize("line", ["goroutine 1 [running]: and then some prose", "the goroutine 5 [x] was slow", "goroutine 1 running:"])
def test_not_headers(line):
    from goleakhelp.dumps.readers.text import TextReader

    assert TextReader()._header(line) is None
