"""Regression inputs for classification that once took minutes: each is the smallest shape
that showed it, and each must now be classified quickly and correctly."""

from __future__ import annotations

import time

import pytest

from goleakhelp.assistant.detect import detect

TIME_BOUND = 5.0  # the robustness contract's bound for any input under 1 MB


@pytest.mark.parametrize(
    "text, kind",
    [
        # A megabyte-class line of goroutine headers that never close their bracket.
        ("panic: runtime error: " + "goroutine 1 [" * 30000 + "\n", "error"),
        # The same behind a -traces separator line.
        ("-----------+-" + "goroutine 1 [" * 30000 + "\n", "query"),
        # Thousands of unclosed Markdown fences.
        ("```go\n" * 40000, "query"),
        # A receiver list that never closes, on one long line.
        ("func " + "(" * 200000 + "!\n", "query"),
        # Unterminated string quotes inside braces: too broken to be code.
        ("func f() {\n" + '"\\' * 100000 + "\n}\n", "query"),
    ],
)
def test_pathological_lines_are_classified_in_bounded_time(text, kind):
    start = time.perf_counter()
    detection = detect(text)
    assert time.perf_counter() - start < TIME_BOUND
    assert detection.kind == kind


def test_a_real_fenced_block_is_still_found_among_unclosed_fences():
    text = "Here is my handler:\n```go\nfunc f() {\n\tgo func() { ch <- 1 }()\n}\n```\nand then\n```\n"
    detection = detect(text)
    assert detection.kind == "code" and detection.blocks[0].first_line == 3
