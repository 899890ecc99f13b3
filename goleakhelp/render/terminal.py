"""Terminal output with rich. All user and KB text goes in as rich Text, never as markup."""

from __future__ import annotations

from collections import Counter

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from goleakhelp.i18n import category_name, kind_name, label

if TYPE_CHECKING:  # imported for annotations only, to keep `search` start-up light
    from goleakhelp.knowledge.cheatsheet import CheatSheet
    from goleakhelp.knowledge.entry import Entry
    from goleakhelp.knowledge.search import SearchResult
    from goleakhelp.render.document import Document

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _print_code(console: Console, text: str, language: str, indent: int = 2) -> None:
    """Code, highlighted, each line printed whole: never folded or cropped at the console
    width (a copied example must compile; the terminal shows a long line as it likes)."""
    from rich.syntax import Syntax

    lexer = "go" if language == "go" else "bash"
    highlighted = Syntax(text, lexer, theme="ansi_dark").highlight(text.rstrip("\n"))
    highlighted.rstrip()
    for line in highlighted.split("\n"):
        console.print(Text.assemble(" " * indent, line), soft_wrap=True)


def _bullets(items, numbered: bool):
    """A list with a hanging indent, so wrapped lines stay under their item."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")  # a run of Chinese has no spaces: fold it, never cut it with an ellipsis
    for i, item in enumerate(items, 1):
        grid.add_row(f"{i}." if numbered else "•", Text(item))
    return grid


def _print_blocks(blocks, console: Console, indent: int = 2) -> None:
    from goleakhelp.render.document import Bullets, Code, Para

    for previous, block in zip((None, *blocks), blocks):
        if isinstance(block, Para):
            if isinstance(previous, Para):
                console.print()
            console.print(Padding(Text(block.text), (0, 0, 0, indent), expand=False))
        elif isinstance(block, Bullets):
            console.print(Padding(_bullets(block.items, block.numbered), (0, 0, 0, indent), expand=False))
        elif isinstance(block, Code):
            _print_code(console, block.text, block.language, indent)


def render_document(doc: Document, console: Console) -> None:
    console.print(Text.assemble((doc.id, "bold cyan"), "  ", (doc.title, "bold")))
    console.print(Text("  ·  ".join(f"{k}: {v}" for k, v in doc.meta), style="dim"))
    console.print(Text(doc.summary))
    render_sections(doc, console)


def render_sections(doc: Document, console: Console) -> None:
    for section in doc.sections:
        console.print()
        console.print(Text(section.heading, style="bold underline"))
        _print_blocks(section.blocks, console)


def render_search(result: SearchResult, lang: str, console: Console, start: int = 1) -> None:
    if result.corrected:
        console.print(Text.assemble((f"{label('did_you_mean', lang)}: ", "yellow"), (result.corrected, "bold"), (f"?  ({label('showing_for', lang)})", "dim")))
    if not result.hits:
        console.print(Text(label("no_results", lang, query=result.query)))
        return
    for n, hit in enumerate(result.hits, start):
        head = Text.assemble((f"{n}. ", "bold"), (hit.id, "bold cyan"), "  ", (hit.title, "bold"))
        if hit.kind != "pattern":
            head.append(f"  [{kind_name(hit.kind, lang)}]", style="dim")
        console.print(head)
        console.print(Padding(Text(hit.summary), (0, 0, 0, 3), expand=False))
        if hit.matched:
            console.print(Padding(Text.assemble((f"{label('matched', lang)}: ", "dim"), (hit.matched, "green")), (0, 0, 0, 3), expand=False))
    console.print(Text(label("more", lang, id=result.hits[0].id), style="dim"))


def render_list(entries: Iterable[Entry], lang: str, console: Console) -> None:
    from rich.table import Table

    entries = list(entries)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for col in ("id", "kind", "category", "severity", "title"):
        table.add_column(label(col, lang), overflow="fold")
    for e in entries:
        table.add_row(
            Text(e.id, style="cyan"),
            Text(kind_name(e.kind, lang)),
            Text(e.category),
            Text(e.severity, style=SEVERITY_STYLE.get(e.severity, "")),
            Text(e.title.get(lang)),
        )
    console.print(table)
    console.print(Text(label("entries", lang, n=len(entries)), style="dim"))


def render_cheatsheet(sheet: CheatSheet, console: Console) -> None:
    from rich.rule import Rule
    from rich.table import Table

    lang = sheet.lang
    console.print(Text(label("cheatsheet_title", lang), style="bold"))
    for section in sheet.sections:
        console.print(Rule(Text(category_name(section.category, lang), style="bold"), align="left"))
        table = Table(show_header=True, header_style="bold dim", box=None, pad_edge=False, expand=True)
        widest = max(len(row.id) for row in section.rows)
        table.add_column("id", style="cyan", no_wrap=True, min_width=widest)
        table.add_column(label("symptom", lang), ratio=3, overflow="fold")
        table.add_column(label("cause", lang), ratio=4, overflow="fold")
        table.add_column(label("fix", lang), ratio=4, overflow="fold")
        for row in section.rows:
            table.add_row(Text(row.id), Text(row.symptom), Text(row.cause), Text(row.fix, style="green"))
        console.print(table)
    if sheet.commands:
        console.print(Rule(Text(label("collect", lang), style="bold"), align="left"))
        for group in sheet.commands:
            console.print(Text.assemble((group.id, "cyan"), "  ", group.title))
            _print_code(console, "\n".join(group.commands), "shell")


SUSPICION_STYLE = {"high": "bold white on red", "medium": "bold black on yellow", "low": "cyan", "none": "dim"}


def _finding(view, lang: str, console: Console, full: bool, number: int | None = None, start_here: bool = False) -> None:
    tag = label(f"suspicion_{view.suspicion}", lang)
    first = (f"▶ {label('dump_start_here', lang)}: ", "bold green") if start_here else ""
    head = Text.assemble((f"{number}. ", "bold") if number else "", first, (f" {tag} ", SUSPICION_STYLE[view.suspicion]), " ", (view.headline, "bold"))
    console.print(head)
    if not full:
        if view.pattern:
            # A known-normal match names what the goroutines are; a leak pattern, its fix.
            hint = view.pattern.title if view.pattern.kind == "not-a-leak" else view.pattern.fix
            console.print(Padding(Text(f"→ {view.pattern.id}: {hint}"), (0, 0, 0, 2), expand=False))
        return
    items = []
    if view.evidence:
        items.append(Text(label("dump_evidence", lang), style="bold"))
        items.append(_bullets(view.evidence, False))
    if view.source:
        items.append(Text.assemble((f"{label('dump_source', lang)}: ", "bold"), (view.source, "green")))
    if view.pattern:
        p = view.pattern
        items.append(Text.assemble((f"{label('dump_pattern', lang)}: ", "bold"), (p.id, "bold cyan"), f"  {p.title}  ", (f"({p.score:.2f})", "dim")))
        items.append(Padding(_bullets(p.why, False), (0, 0, 0, 2)))
        items.append(Text.assemble((f"{label('fix', lang)}: ", "bold"), (p.fix, "green")))
        if view.tied:
            items.append(Text(label("dump_tied", lang, ids=", ".join(view.tied)), style="yellow"))
        if view.also:
            items.append(Text(f"{label('dump_also', lang)}: {', '.join(view.also)}", style="dim"))
    else:
        items.append(Text(label("dump_no_pattern", lang), style="dim"))
    items.append(Text(label("dump_stack", lang), style="bold"))
    items.append(Padding(Text("\n".join(view.stack), style="dim"), (0, 0, 0, 2)))
    if view.pattern:
        items.append(Text(view.pattern.more, style="dim"))
    console.print(Padding(Group(*items), (0, 0, 1, 2)))


def render_dump_finding(view, lang: str, console: Console) -> None:
    """One group of a dump report in full (`view` is a render.dumpdoc.FindingView)."""
    _finding(view, lang, console, full=True)


def render_dump_report(view, lang: str, console: Console, numbered: bool = False) -> None:
    """`view` is a render.dumpdoc.ReportView; `numbered` puts 1., 2., ... before the groups
    worth picking (suspicious, then low), so a chat reply can refer to them."""
    number = iter(range(1, len(view.suspicious) + len(view.low) + 1)) if numbered else None
    console.print(Text(view.summary, style="bold"))
    if view.states:
        console.print(Text(f"{label('dump_states', lang)}: {view.states}", style="dim"))
    for note in view.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print()
    # With several suspicious groups, the first (the analysis ranks the user's own code and
    # the best-explained first) is where to start.
    for n, finding in enumerate(view.suspicious):
        _finding(finding, lang, console, full=True, number=next(number) if number else None, start_here=n == 0 and len(view.suspicious) > 1)
    if view.nothing:
        console.print(Text(view.nothing, style="green"))
        console.print()
    if view.low:
        console.print(Text(label("dump_low", lang), style="bold"))
        for finding in view.low:
            _finding(finding, lang, console, full=False, number=next(number) if number else None)
        console.print()
    for finding in view.rest:
        _finding(finding, lang, console, full=False)


# Findings of one rule shown in full on the terminal before the rest are counted instead
# (golangci-lint's max-issues-per-linter does the same, at 50): a generated or mutated
# file can hold tens of thousands of one finding, and each costs the console about a
# tenth of a millisecond per line. JSON, SARIF and GitHub output always list all.
MAX_PER_RULE = 50


def render_code_report(report, entries, lang: str, console: Console, summary: bool = True, numbered: bool = False, max_per_rule: int = MAX_PER_RULE) -> None:
    """`report` is a code.analyze.CodeReport; explanations come from the KB `entries`.
    `numbered` puts 1., 2., ... before the findings, so a chat reply can refer to them.
    At most `max_per_rule` findings of each rule are shown (0: all); the rest are counted."""
    number = {id(f): n for n, f in enumerate(report.findings, 1)} if numbered else {}
    shown: Counter[str] = Counter()
    by_file: dict[str, list] = {}
    for f in report.findings:
        shown[f.id] += 1
        if not max_per_rule or shown[f.id] <= max_per_rule:
            by_file.setdefault(f.file, []).append(f)
    for file, findings in by_file.items():
        console.print(Text(file, style="bold underline"))
        for f in findings:
            entry = entries.get(f.id)
            severity = entry.severity if entry else "medium"
            console.print(
                Text.assemble(
                    (f"{number[id(f)]}. " if id(f) in number else "", "bold"),
                    (f"{f.line}:{f.column} ", "bold"),
                    (f"{f.id} ", "bold cyan"),
                    (f"[{severity}, {f.confidence} confidence] ", SEVERITY_STYLE.get(severity, "")),
                    f.message,
                )
            )
            items = []
            if f.code:
                items.append(Text(f.code, style="green"))
            if entry is not None:
                items.append(Text(entry.summary.get(lang)))
                items.append(Text.assemble((f"{label('fix', lang)}: ", "bold"), entry.quick_fix(lang)))
            if f.note:
                items.append(Text(f"note: {f.note}", style="yellow"))
            items.append(Text(label("more", lang, id=f.id), style="dim"))
            console.print(Padding(Group(*items), (0, 0, 1, 2)))
    for rule, count in shown.items():
        if max_per_rule and count > max_per_rule:
            console.print(Text(label("code_hidden", lang, count=f"{count - max_per_rule:,}", id=rule), style="yellow"))
    for file, lines in report.unparsed.items():
        console.print(Text(f"{file}: could not parse line(s) {', '.join(map(str, lines[:10]))}; the rest was analysed", style="yellow"))
    for skipped in report.skipped:
        console.print(Text(f"skipped {skipped}", style="dim"))
    for limit in getattr(report, "limits", ()):
        console.print(Text(f"{limit.file}:{limit.line}: {limit.reason}", style="yellow"))
    if summary:
        line = label("code_summary", lang, findings=len(report.findings), files=report.files, lines=f"{report.lines:,}")
        console.print(Text(line, style="bold"))


def _heap_head(view, console: Console) -> None:
    """Summary, runtime figures and notes: how heap reports and heap diffs start."""
    console.print(Text(view.summary, style="bold"))
    if view.memstats:
        console.print(Text(view.memstats, style="dim"))
    for note in view.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print()


def render_heap_report(view, lang: str, console: Console, numbered: bool = False) -> None:
    """`view` is a render.heapdoc.HeapReportView; `numbered` puts 1., 2., ... before the
    patterns, so a chat reply can refer to them."""
    _heap_head(view, console)
    if view.nothing:
        console.print(Text(view.nothing, style="green"))
        return
    _heap_patterns(view.patterns, "heap_patterns", lang, console, numbered)
    if view.minor:
        console.print(Text(view.minor, style="dim"))
        console.print()
    if view.unmatched_title:
        console.print(Text(view.unmatched_title, style="bold"))
        items = [_bullets(view.unmatched, False)]
        if view.candidates:
            items.append(Text(view.candidates, style="dim"))
        console.print(Padding(Group(*items), (0, 0, 1, 2)))
    _heap_sites(view.sites, "heap_sites", lang, console)


def _heap_patterns(patterns, title_key: str, lang: str, console: Console, numbered: bool = False) -> None:
    """Known patterns of a heap report or diff (render.heapdoc.HeapPatternView values)."""
    if patterns:
        console.print(Text(label(title_key, lang), style="bold underline"))
    for n, p in enumerate(patterns, 1):
        console.print(Text.assemble((f"{n}. " if numbered else "", "bold"), (p.id, "bold cyan"), "  ", (p.title, "bold"), "  ", (p.held, "yellow")))
        items = [Text(label("heap_matched_frames", lang), style="bold"), _bullets(p.evidence, False)] if p.evidence else []
        items += [Text(label("heap_allocated_at", lang), style="bold"), _bullets(p.where, False)]
        if p.tied:
            items.append(Text(label("heap_tied", lang, ids=", ".join(p.tied)), style="yellow"))
        if p.note:
            items.append(Text.assemble((f"{label('heap', lang)}: ", "bold"), p.note))
        if p.fix:
            items.append(Text.assemble((f"{label('fix', lang)}: ", "bold"), (p.fix, "green")))
        items.append(Text(p.more, style="dim"))
        console.print(Padding(Group(*items), (0, 0, 1, 2)))


def _heap_sites(sites, title_key: str, lang: str, console: Console) -> None:
    if sites:
        console.print(Text(label(title_key, lang), style="bold underline"))
    for site in sites:
        head = Text(site.headline, style="bold")
        tail = ", ".join(site.patterns) if site.patterns else label("heap_no_pattern", lang)
        head.append(f"  → {tail}", style="cyan" if site.patterns else "dim")
        console.print(Padding(head, (0, 0, 0, 2)))
        console.print(Padding(Text("\n".join(site.stack), style="dim"), (0, 0, 1, 4)))


def render_heap_diff(view, lang: str, console: Console) -> None:
    """`view` is a render.heapdoc.HeapDiffView."""
    _heap_head(view, console)
    for line in view.flat:
        console.print(Text(line, style="green" if line is view.flat[0] else ""))
    if view.flat:
        console.print()
    _heap_patterns(view.patterns, "heapdiff_patterns", lang, console)
    if view.nothing:
        console.print(Text(view.nothing, style="green"))
    _heap_sites(view.sites, "heapdiff_growing", lang, console)
    if view.unexplained:
        console.print(Text(view.unexplained, style="dim"))
