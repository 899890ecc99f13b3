"""Hostile or broken text: never a traceback, never a hang, and memory that follows the
number of distinct stacks rather than the size of the input."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.dumps.parse import parse_dump
from goleakhelp.dumps.source import open_source
from goleakhelp.errors import UserError
from tests.dumps.conftest import fixture_text

HEADER = "goroutine 7 [chan send]:\n"
HOSTILE = [
    "goroutine 1 [" + "(" * 50_000 + "\n",
    HEADER + "main.f(" + "0x1, " * 40_000 + "\n\t/a.go:1\n",
    HEADER + ("\t" + "a.go:" * 20_000 + "1 +0x1\n"),
    HEADER + "created by " + " in goroutine " * 10_000 + "\n",
    "goroutine 1 [running] {" + '"\\' * 30_000 + "}:\nmain.main()\n\t/a.go:1 +0x1\n",
    HEADER + ("x" * 200 + "\n") * 2_000,
    ("goroutine 1 [chan send]:\nmain.f()\n" * 5_000),
    "goroutine 99999999999999999999999999 [chan send]:\nmain.f()\n\t/a.go:99999999999999 +0x1\n",
    "\x00\x01\x02goroutine 1 [running]:\n\x1b[31mmain.main()\x1b[0m\n\t/a.go:1 +0x1\n",
    HEADER + "main.f()\n\t/a.go:1 +0x1\n" + "#011" * 10_000 + "\n",
    "goroutine 1 [" + "a, " * 30_000 + "]:\nmain.main()\n\t/a.go:1 +0x1\n",
    "goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n" + "y" * 6_000_000,
    "goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n" + "main.f()\n\t/a.go:2 +0x1\n" * 400_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_read_quickly_or_refused_in_one_line(text, entries):
    start = time.perf_counter()
    try:
        analyze_dump(text, entries)
    except UserError as exc:
        assert "\n" not in str(exc)
    assert time.perf_counter() - start < 5


def test_memory_follows_distinct_stacks_not_goroutines(tmp_path):
    """The same stacks ten times over: the reader's peak stays flat (the input is streamed)."""
    body = "\n\n".join(b for b in fixture_text("chan-send-orphan.debug2.txt").split("\n\n") if not b.startswith("goroutine 1 "))

    def peak(copies: int) -> int:
        path = tmp_path / f"d{copies}.txt"
        with path.open("w") as f:
            for n in range(copies):
                f.write(body.replace("goroutine ", f"goroutine {n + 1}0") + "\n\n")
        tracemalloc.start()
        dump = parse_dump(open_source(str(path))).dumps[-1]
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert dump.total >= copies
        return top

    small, large = peak(1_000), peak(10_000)
    assert large < 1.5 * small, (small, large)
