"""The heap report in the terminal (rich, no markup) and as JSON."""

from __future__ import annotations

import dataclasses
import json
import re

from rich.console import Console

from goleakhelp.knowledge.entry import Localized
from goleakhelp.profiles.heap import match_heap
from goleakhelp.render.heapdoc import format_bytes, heap_view, short_function
from goleakhelp.render.json import heap_report_data, heap_report_json
from goleakhelp.render.terminal import render_heap_report

HOSTILE = "[bold red]x[/] <script>"


def _terminal(report, entries, lang: str) -> str:
    console = Console(record=True, width=120, color_system=None, markup=False)
    render_heap_report(heap_view(report, entries, lang), lang, console)
    return console.export_text()


def test_terminal_report(report, kb):
    out = _terminal(report, kb.entries, "en")
    assert re.match(r"\d+\.\d MiB in use in [\d,]+ objects at \d+ allocation sites \(heap-debug1\); 4 known", out)
    assert "MemStats: HeapInuse" in out and "every allocation was recorded" in out
    for entry_id in ("subslice-retention", "unbounded-cache", "ctx-lostcancel"):
        assert entry_id in out
    assert kb.entries["subslice-retention"].quick_fix("en") in out
    assert "io.ReadAll matches ^io\\.ReadAll$" in out
    assert "io.ReadAll ← main.keepUploadHeads (heapgen/main.go:47): 6.0 MiB" in out
    assert "equally likely from this profile: substring-retention" in out
    assert "main.fillIndex (heapgen/main.go:89)" in out and "map-no-shrink" in out
    assert "Largest allocation sites" in out and "→ no known pattern" in out
    # Type arguments are collapsed in the terminal.
    assert "go.shape" not in out


def test_terminal_report_in_chinese(report, kb):
    out = _terminal(report, kb.entries, "zh")
    assert "已知模式" in out and "最大的分配点" in out
    assert kb.entries["ctx-lostcancel"].title.zh in out


def test_terminal_prints_kb_text_literally(report, kb):
    entry = kb.entries["subslice-retention"]
    hostile = dataclasses.replace(entry, title=Localized(HOSTILE, HOSTILE), heap_note=Localized(HOSTILE, HOSTILE))
    out = _terminal(report, {**kb.entries, entry.id: hostile}, "en")
    assert out.count(HOSTILE) == 2


def test_empty_profile_says_so(debug1, kb):
    empty = dataclasses.replace(debug1, sites=(), inuse_bytes=0, inuse_objects=0)
    out = _terminal(match_heap(empty, kb.entries.values()), kb.entries, "en")
    assert "No allocation site holds memory" in out


def test_json_report(report):
    data = json.loads(heap_report_json(report))
    assert data == json.loads(json.dumps(heap_report_data(report)))
    assert data["format"] == "heap-debug1" and data["sample_rate"] == 1 and data["scaled"] is False
    assert data["inuse_bytes"] == report.profile.inuse_bytes
    assert data["memstats"]["heap_inuse"] > 0
    assert [p["id"] for p in data["patterns"]][:2] == ["subslice-retention", "substring-retention"]
    top = data["sites"][0]
    assert top["allocator"] == "io.ReadAll" and top["user_function"] == "main.keepUploadHeads"
    assert top["location"].startswith("heapgen/main.go:")
    assert top["matches"][0]["frames"] == [{"function": "io.ReadAll", "pattern": "^io\\.ReadAll$"}]
    assert data["unmatched"]["holders"][0]["function"] == "main.fillIndex"


def test_sizes_and_names():
    assert [format_bytes(n) for n in (0, 1023, 1024, 6 << 20, 3 << 30)] == ["0 B", "1023 B", "1.0 KiB", "6.0 MiB", "3.0 GiB"]
    assert short_function("internal/sync.(*HashTrieMap[go.shape.interface {},go.shape.[]uint8]).Swap") == "internal/sync.(*HashTrieMap[...]).Swap"
