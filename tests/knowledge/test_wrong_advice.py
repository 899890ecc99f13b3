"""Advice that circulates but is wrong is called out, in both languages, in the entries users reach for it.

Each piece of advice is recognised by the code it recommends; the entry's pitfall
that names it must exist in English and, at the same position, in Chinese.
"""

from __future__ import annotations

import re

import pytest

WRONG_ADVICE = {
    # a buffer of one as the fix for every orphaned sender
    "buffer of one": (r"buffer of 1|make\(chan T, 1\)|缓冲区为 1|1 个缓冲", ["chan-send-orphan", "errgroup-stuck"]),
    # defer Close() inside a loop shown as the right way to close
    "defer in a loop": (
        r"defer [\w.]*(Close|Rollback|free)\w*(\(\))?.* (inside|in) (a|the) (for )?loop|循环里.*defer|循环中.*defer",
        ["defer-in-loop", "file-unclosed", "http-body-unclosed", "sql-rows-unclosed", "sql-stmt-unclosed", "grpc-conn-unclosed", "cgo-unfreed"],
    ),
    # default: time.Sleep in a select loop as a clean shutdown
    "sleep in select default": (r"default: time\.Sleep", ["sleep-poll", "ticker-goroutine", "time-after-loop"]),
    # runtime.GC() to "free" memory
    "forcing a GC": (
        r"runtime\.GC",
        ["rss-above-heap", "map-no-shrink", "pool-oversized", "unbounded-cache", "subslice-retention", "substring-retention", "cgo-unfreed", "closure-retention"],
    ),
}


@pytest.mark.parametrize("advice", WRONG_ADVICE)
def test_wrong_advice_is_called_out_in_both_languages(kb, advice):
    pattern, entry_ids = WRONG_ADVICE[advice]
    missing = []
    for entry_id in entry_ids:
        pitfalls = kb.entries[entry_id].pitfalls
        hits = [i for i, text in enumerate(pitfalls.en) if re.search(pattern, text)]
        if not hits:
            missing.append(f"{entry_id}: no English pitfall about {advice}")
            continue
        zh = pitfalls.zh[hits[0]]
        if not re.search(r"[\u4e00-\u9fff]", zh) or not (re.search(pattern, zh) or _same_code(pitfalls.en[hits[0]], zh)):
            missing.append(f"{entry_id}: the Chinese pitfall {hits[0]} does not say the same: {zh}")
    assert missing == []


def _same_code(en: str, zh: str) -> bool:
    """The Chinese item names the same code (API names, calls) as the English one."""
    code = set(re.findall(r"[A-Za-z_][\w.]*\(\)|[a-z]+\.[A-Z]\w*", en))
    return bool(code) and all(c in zh for c in code)
