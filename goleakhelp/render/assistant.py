"""Terminal output for the assistant: an explanation (whatever was detected), and chat replies.

Each part of a reply is drawn with the renderer its command already uses (search, show,
dump, code, cheat sheet), so an answer in chat looks like the command's output.
"""

from __future__ import annotations

import dataclasses

from rich.console import Console
from rich.text import Text

from goleakhelp.assistant.reply import (
    Reply,
    Say,
    ShowCheatsheet,
    ShowCodeFinding,
    ShowDumpGroup,
    ShowEntry,
    ShowExplanation,
)
from goleakhelp.i18n import label
from goleakhelp.render import terminal
from goleakhelp.render.console import safe_console

TONES = {"plain": "", "info": "bold", "warn": "yellow", "error": "bold red", "dim": "dim"}


def render_detected(explanation, console: Console) -> None:
    text = label("detected", explanation.lang, what=explanation.detection.describe(explanation.lang), route=label(f"route_{explanation.route}", explanation.lang))
    console.print(Text(text, style="dim"))


def render_explanation(explanation, kb, console: Console, first: int = 0, numbered: bool = False) -> None:
    """The underlying command's output for what was detected; `numbered` numbers the dump
    groups and code findings the way chat follow-ups ("2") refer to them."""
    lang, result = explanation.lang, explanation.result
    if explanation.route == "search":
        if first:
            result = dataclasses.replace(result, hits=result.hits[first:], corrected=None)
        terminal.render_search(result, lang, console, start=first + 1)
    elif explanation.route == "dump":
        from goleakhelp.render.dumpdoc import report_view

        terminal.render_dump_report(report_view(result, kb.entries, lang, False), lang, console, numbered)
    elif explanation.route == "code":
        terminal.render_code_report(result, kb.entries, lang, console, numbered=numbered)
    elif explanation.route == "heap":
        from goleakhelp.render.heapdoc import heap_view

        terminal.render_heap_report(heap_view(result, kb.entries, lang), lang, console, numbered)


def render_reply(reply: Reply, kb, lang: str, console: Console) -> None:
    for part in reply.parts:
        if isinstance(part, Say):
            console.print(Text(part.text, style=TONES.get(part.tone, "")))
        elif isinstance(part, ShowExplanation):
            render_explanation(part.explanation, kb, console, part.first, numbered=True)
        elif isinstance(part, ShowEntry):
            _entry(part, kb, lang, console)
        elif isinstance(part, ShowDumpGroup):
            _dump_group(part, kb, lang, console)
        elif isinstance(part, ShowCodeFinding):
            _code_finding(part, kb, lang, console)
        elif isinstance(part, ShowCheatsheet):
            from goleakhelp.knowledge.cheatsheet import build_cheatsheet

            terminal.render_cheatsheet(build_cheatsheet(kb, lang), console)
    if reply.sources:
        console.print(Text(label("chat_sources", lang, ids=", ".join(reply.sources)), style="dim"))
    if reply.followups:
        console.print(Text(label("chat_next", lang, offers=" · ".join(reply.followups)), style="dim"))


def _entry(part: ShowEntry, kb, lang: str, console: Console) -> None:
    from goleakhelp.render.document import entry_document

    entry = kb.get(part.entry_id)
    if entry is None:
        console.print(Text(label("unknown_id", lang, id=part.entry_id), style="bold red"))
        return
    doc = entry_document(entry, lang)
    if part.sections:
        doc = dataclasses.replace(doc, sections=tuple(s for s in doc.sections if s.key in part.sections))
        console.print(Text.assemble((doc.id, "bold cyan"), "  ", (doc.title, "bold")))
        terminal.render_sections(doc, console)
    else:
        terminal.render_document(doc, console)


def _dump_group(part: ShowDumpGroup, kb, lang: str, console: Console) -> None:
    from goleakhelp.render.dumpdoc import finding_view

    finding = part.report.findings[part.index]
    terminal.render_dump_finding(finding_view(finding, kb.entries, lang), lang, console)


def _code_finding(part: ShowCodeFinding, kb, lang: str, console: Console) -> None:
    one = dataclasses.replace(part.report, findings=[part.report.findings[part.index]], unparsed={}, skipped=[])
    terminal.render_code_report(one, kb.entries, lang, console, summary=False)


def chat_console(file=None) -> Console:
    """A console for chat output: no markup, no emoji codes, no highlighting of user text."""
    return safe_console(file=file)

