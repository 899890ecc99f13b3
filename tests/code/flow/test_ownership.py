"""The data-flow layer: one acquired value followed through reassignment, loops, defers,
error branches and hand-offs, as the resource detectors ask it."""

from __future__ import annotations

import pytest

from goleakhelp.code.analyze import analyze_text
from goleakhelp.code.context import CodeContext
from goleakhelp.code.flow.ownership import Release, Tracker
from goleakhelp.code.source import parse_go
from goleakhelp.code.syntax import walk

CLOSE = Release(("Close",))


def leaks_of(body: str, name: str = "f", err: str | None = "err", release: Release = CLOSE):
    """The leaks of `name`, acquired by the first statement that assigns it with os.Open."""
    source = parse_go(f'package p\n\nimport "os"\n\nfunc use(*os.File) {{}}\n\nfunc g(paths []string, ok bool) (e error) {{\n{body}\n}}\n', "g.go")
    assert source.error_lines == ()
    ctx = CodeContext(source, None)
    func = [n for n in walk(source.root) if n.type == "function_declaration"][-1]
    statement = next(n for n in walk(func) if n.type in ("short_var_declaration", "assignment_statement") and "os.Open" in ctx.text(n))
    tracker = Tracker(ctx, ctx.graph(func), name, err, statement, release)
    return [(leak.kind, source.user_line(leak.node) - 7) for leak in tracker.leaks()]


def test_closed_on_every_path_is_not_a_leak():
    assert leaks_of('f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\nif ok {\n\tf.Close()\n\treturn nil\n}\nreturn f.Close()') == []


def test_the_return_that_skips_the_close_is_the_leak():
    assert leaks_of('f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\nif ok {\n\treturn nil\n}\nreturn f.Close()') == [("return", 6)]


def test_the_end_of_the_body_is_an_exit():
    assert [kind for kind, _ in leaks_of('f, _ := os.Open("a")\nf.Sync()')] == ["end"]


def test_a_defer_covers_every_later_exit_but_not_an_earlier_one():
    assert leaks_of('f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\ndefer f.Close()\nif ok {\n\treturn nil\n}\nreturn nil') == []
    assert leaks_of('f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\nif ok {\n\treturn nil\n}\ndefer f.Close()\nreturn nil') == [("return", 6)]


def test_reassignment_kills_the_old_value():
    assert leaks_of('f, _ := os.Open("a")\nf, _ = os.Open("b")\nf.Close()') == [("overwrite", 2)]
    assert leaks_of('f, _ := os.Open("a")\nf.Close()\nf, _ = os.Open("b")\nf.Close()') == []


def test_a_loop_that_acquires_again_overwrites_unless_it_released():
    assert leaks_of('for _, p := range paths {\n\tf, err := os.Open(p)\n\tif err != nil {\n\t\tcontinue\n\t}\n\tf.Sync()\n}') == [("overwrite", 2), ("end", 0)]  # the next iteration, and the last one
    assert leaks_of('for _, p := range paths {\n\tf, err := os.Open(p)\n\tif err != nil {\n\t\tcontinue\n\t}\n\tf.Close()\n}') == []


def test_a_shadowing_declaration_in_an_inner_block_does_not_kill():
    assert leaks_of('f, _ := os.Open("a")\nif ok {\n\tf, err := os.Open("b")\n\t_, _ = f, err\n}\nf.Close()') == []


@pytest.mark.parametrize(
    "check",
    ["if err != nil {\n\treturn err\n}", "if errors.Is(err, os.ErrNotExist) || err != nil {\n\treturn err\n}", "if err == nil {\n\tf.Close()\n}\nreturn err"],
)
def test_on_the_error_branch_the_value_is_nil(check):
    assert leaks_of(f'f, err := os.Open("a")\nprintln("between")\n{check}\nreturn f.Close()') == []


def test_an_error_check_after_err_was_reused_proves_nothing():
    body = 'f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\n_, err = f.Stat()\nif err != nil {\n\treturn err\n}\nreturn f.Close()'
    assert leaks_of(body) == [("return", 7)]


@pytest.mark.parametrize(
    "handoff",
    ["return use2(f)", "ch <- f\nreturn nil", "s.file = f\nreturn nil", "m[\"a\"] = f\nreturn nil", "go func() { defer f.Close() }()\nreturn nil", "x := struct{ f *os.File }{f}\n_ = x\nreturn nil"],
)
def test_handing_the_value_on_ends_the_walk(handoff):
    assert leaks_of(f'f, _ := os.Open("a")\n{handoff}') == []


@pytest.mark.parametrize("use", ["f.Sync()", "fmt.Fprintln(f)", "io.Copy(io.Discard, f)", "_ = f"])
def test_using_the_value_is_not_a_hand_off(use):
    assert leaks_of(f'f, _ := os.Open("a")\n{use}\nreturn nil') == [("return", 3)]


def test_release_through_a_local_closure():
    assert leaks_of('f, _ := os.Open("a")\nstop := func() { f.Close() }\ndefer stop()\nreturn nil') == []


def test_a_deferred_release_under_err_covers_only_error_returns():
    body = 'f, err := os.Open("a")\nif err != nil {\n\treturn err\n}\ndefer func() {\n\tif err != nil {\n\t\tf.Close()\n\t}\n}()\nif ok {\n\treturn err\n}\nreturn nil'
    assert leaks_of(body) == [("return", 13)]


def test_any_use_counts_for_a_cancel_func_as_go_vet_does():
    any_use = Release(any_use=True)
    body = 'f, _ := os.Open("a")\nif ok {\n\treturn nil\n}\nuse(f)\nreturn nil'
    assert leaks_of(body, release=any_use, err=None) == [("return", 3)]


TEST_FILE = """package p

import (
	"net/http"
	"testing"
)

func TestRefused(t *testing.T) {
	_, err := http.Get("http://127.0.0.1:1")
	if err == nil {
		t.Fatal("expected an error")
	}
}

func TestServed(t *testing.T) {
	_, err := http.Get("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
}
"""


def test_a_test_that_expects_the_call_to_fail_discards_nothing():
    findings, _ = analyze_text(TEST_FILE, "x_test.go", (1, 22))
    assert [(f.id, f.line) for f in findings if f.id == "http-body-unclosed"] == [("http-body-unclosed", 16)]
