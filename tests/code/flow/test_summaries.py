"""Summaries of the file's own functions: whether a call hands a value on."""

from __future__ import annotations

from goleakhelp.code.analyze import analyze_text

SOURCE = """package p

import (
	"io"
	"os"
)

func inspect(f *os.File) { _, _ = f.Stat() }

func release(c io.Closer) { _ = c.Close() }

func keep(f *os.File) *os.File { return f }

func leaks(p string) {
	f, _ := os.Open(p)
	inspect(f)
}

func closes(p string) {
	f, _ := os.Open(p)
	inspect(f)
	release(f)
}

func handsOn(p string) *os.File {
	f, _ := os.Open(p)
	return keep(f)
}

func unknown(p string, sink func(*os.File)) {
	f, _ := os.Open(p)
	sink(f)
}
"""


def test_calls_to_the_files_functions_are_judged_by_what_they_do():
    findings, errors = analyze_text(SOURCE, "p.go", (1, 22))
    assert errors == ()
    assert [f.line for f in findings if f.id == "file-unclosed"] == [15]
