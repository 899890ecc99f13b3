"""Renderers show KB text literally: no markup, no HTML injection, Markdown tables intact."""

from __future__ import annotations

import dataclasses
import io

from rich.console import Console

from goleakhelp.knowledge.cheatsheet import build_cheatsheet
from goleakhelp.knowledge.entry import Localized
from goleakhelp.knowledge.search import SearchHit, SearchResult
from goleakhelp.render.document import entry_document
from goleakhelp.render.html import cheatsheet_html
from goleakhelp.render.markdown import cheatsheet_markdown, document_markdown
from goleakhelp.render.terminal import render_document, render_search

HOSTILE = "[bold red]x[/] <script>alert(1)</script> | pipe \x1b[31mred"


def _hostile_kb(kb):
    entry = kb.entries["chan-send-orphan"]
    hostile = dataclasses.replace(entry, title=Localized(HOSTILE, HOSTILE), summary=Localized(HOSTILE, HOSTILE))
    return dataclasses.replace(kb, entries={**kb.entries, entry.id: hostile}), hostile


def _terminal(render, *args) -> str:
    buf = io.StringIO()
    render(*args, Console(file=buf, width=100, color_system=None, markup=False))
    return buf.getvalue()


def test_terminal_prints_markup_literally(kb):
    _, hostile = _hostile_kb(kb)
    out = _terminal(render_document, entry_document(hostile, "en"))
    assert "[bold red]x[/]" in out


def test_search_result_prints_markup_literally():
    hit = SearchHit("x", HOSTILE, HOSTILE, 1.0, HOSTILE, "pattern", "goroutine", "high")
    out = _terminal(lambda c: render_search(SearchResult(HOSTILE, None, [hit]), "en", c))
    assert "[bold red]x[/]" in out


def test_html_escapes_everything(kb):
    hostile_kb, _ = _hostile_kb(kb)
    page = cheatsheet_html(build_cheatsheet(hostile_kb, "en"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_table_cells_escape_pipes(kb):
    hostile_kb, _ = _hostile_kb(kb)
    md = cheatsheet_markdown(build_cheatsheet(hostile_kb, "en"))
    row = next(line for line in md.splitlines() if line.startswith("| `chan-send-orphan`"))
    assert row.count(" | ") == 3 and "\\|" in row


def test_markdown_code_fence_survives_backticks(kb):
    entry = kb.entries["chan-send-orphan"]
    tricky = dataclasses.replace(entry, code=dataclasses.replace(entry.code, fixed="package main\n\n// ```\nfunc main() {}\n"))
    md = document_markdown(entry_document(tricky, "en"))
    assert "````go\npackage main\n\n// ```\nfunc main() {}\n````" in md


def test_every_entry_renders_in_both_languages(kb):
    for entry in kb.entries.values():
        for lang in ("en", "zh"):
            doc = entry_document(entry, lang)
            assert document_markdown(doc).startswith(f"# {entry.title.get(lang)}")
            assert entry.id in _terminal(render_document, doc)


def test_cheatsheet_rows_come_from_the_kb(kb):
    sheet = build_cheatsheet(kb, "zh")
    rows = {r.id: r for s in sheet.sections for r in s.rows}
    entry = kb.entries["defer-in-loop"]
    assert rows["defer-in-loop"].fix == entry.fix.zh[0]
    assert rows["defer-in-loop"].symptom == entry.symptoms.zh[0]
    assert rows["defer-in-loop"].cause == entry.summary.zh
    assert {g.id for g in sheet.commands} >= {"pprof-profiles"}
