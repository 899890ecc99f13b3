"""Markdown output, for pasting into issues, wikis and chat."""

from __future__ import annotations

from goleakhelp.i18n import category_name, label
from goleakhelp.knowledge.cheatsheet import CheatSheet
from goleakhelp.render.document import Bullets, Code, Document, Para


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _fence(text: str, language: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def document_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", "", f"`{doc.id}` · " + " · ".join(f"{k}: {v}" for k, v in doc.meta), "", doc.summary]
    for section in doc.sections:
        out += ["", f"## {section.heading}", ""]
        for block in section.blocks:
            if isinstance(block, Para):
                out += [" ".join(block.text.split()), ""]
            elif isinstance(block, Bullets):
                out += [f"{i}. {item}" if block.numbered else f"- {item}" for i, item in enumerate(block.items, 1)] + [""]
            elif isinstance(block, Code):
                out += [_fence(block.text, "go" if block.language == "go" else "sh"), ""]
        while out and out[-1] == "":
            out.pop()
    return "\n".join(out) + "\n"


def cheatsheet_markdown(sheet: CheatSheet) -> str:
    lang = sheet.lang
    out = [f"# {label('cheatsheet_title', lang)}"]
    for section in sheet.sections:
        out += ["", f"## {category_name(section.category, lang)}", ""]
        out += [f"| id | {label('symptom', lang)} | {label('cause', lang)} | {label('fix', lang)} |", "|---|---|---|---|"]
        out += [f"| `{r.id}` | {_cell(r.symptom)} | {_cell(r.cause)} | {_cell(r.fix)} |" for r in section.rows]
    if sheet.commands:
        out += ["", f"## {label('collect', lang)}"]
        for group in sheet.commands:
            out += ["", f"### {group.title} (`{group.id}`)", "", _fence("\n".join(group.commands), "sh")]
    return "\n".join(out) + "\n"


def dump_report_markdown(view, lang: str) -> str:
    """`view` is a render.dumpdoc.ReportView: for pasting into an issue."""
    out = [f"**{view.summary}**", ""]
    if view.states:
        out += [f"{label('dump_states', lang)}: {view.states}", ""]
    out += [f"> {note}" for note in view.notes]
    if view.notes:
        out.append("")
    if view.nothing:
        out += [view.nothing, ""]
    for n, f in enumerate(view.suspicious):
        first = f" ({label('dump_start_here', lang)})" if n == 0 and len(view.suspicious) > 1 else ""
        out += [f"### {label('suspicion_' + f.suspicion, lang)}{first}: {f.headline}", ""]
        out += [f"- {e}" for e in f.evidence]
        if f.source:
            out.append(f"- {label('dump_source', lang)}: `{f.source}`")
        if f.pattern:
            p = f.pattern
            out += ["", f"**{label('dump_pattern', lang)}:** `{p.id}` {p.title} ({p.score:.2f})", ""]
            out += [f"- {w}" for w in p.why]
            out += ["", f"**{label('fix', lang)}:** {p.fix}"]
            if f.tied:
                out.append(label("dump_tied", lang, ids=", ".join(f"`{t}`" for t in f.tied)))
            if f.also:
                out.append(f"{label('dump_also', lang)}: {', '.join(f'`{a}`' for a in f.also)}")
            out += ["", p.more]
        else:
            out.append(label("dump_no_pattern", lang))
        out += ["", _fence("\n".join(f.stack), "text"), ""]
    if view.low:
        out += [f"#### {label('dump_low', lang)}", ""]
        out += [f"- {f.headline}" + (f" → `{f.pattern.id}`" if f.pattern else "") for f in view.low]
        out.append("")
    if view.rest:
        out += [f"- {f.headline}" for f in view.rest]
    return "\n".join(out).rstrip() + "\n"


def _heap_head(view) -> list[str]:
    """Summary, runtime figures and notes: how heap reports and heap diffs start."""
    out = [f"**{view.summary}**", ""]
    if view.memstats:
        out += [view.memstats, ""]
    out += [f"> {note}" for note in view.notes]
    return out + [""] if view.notes else out


def heap_report_markdown(view, lang: str) -> str:
    """`view` is a render.heapdoc.HeapReportView: for pasting into an issue."""
    out = _heap_head(view)
    if view.nothing:
        out += [view.nothing, ""]
    out += _heap_patterns(view.patterns, "heap_patterns", lang)
    if view.minor:
        out += [view.minor, ""]
    if view.unmatched_title:
        out += [f"**{view.unmatched_title}**", ""] + [f"- {u}" for u in view.unmatched] + [""]
        if view.candidates:
            out += [view.candidates, ""]
    out += _heap_sites(view.sites, "heap_sites", lang)
    return "\n".join(out).rstrip() + "\n"


def _heap_patterns(patterns, title_key: str, lang: str) -> list[str]:
    out = [f"### {label(title_key, lang)}", ""] if patterns else []
    for p in patterns:
        out += [f"#### `{p.id}` {p.title}: {p.held}", ""]
        out += [f"- {e}" for e in p.evidence]
        out += [f"- {label('heap_allocated_at', lang)}: {w}" for w in p.where]
        if p.tied:
            out.append(f"- {label('heap_tied', lang, ids=', '.join(p.tied))}")
        if p.note:
            out += ["", p.note]
        if p.fix:
            out += ["", f"**{label('fix', lang)}:** {p.fix}"]
        out += ["", p.more, ""]
    return out


def _heap_sites(sites, title_key: str, lang: str) -> list[str]:
    out = [f"### {label(title_key, lang)}", ""] if sites else []
    for site in sites:
        tail = ", ".join(f"`{i}`" for i in site.patterns) if site.patterns else label("heap_no_pattern", lang)
        out += [f"- {site.headline} → {tail}", "", _fence("\n".join(site.stack), "text"), ""]
    return out


def heap_diff_markdown(view, lang: str) -> str:
    """`view` is a render.heapdoc.HeapDiffView."""
    out = _heap_head(view)
    out += [*view.flat, ""] if view.flat else []
    out += _heap_patterns(view.patterns, "heapdiff_patterns", lang)
    if view.nothing:
        out += [view.nothing, ""]
    out += _heap_sites(view.sites, "heapdiff_growing", lang)
    if view.unexplained:
        out += [view.unexplained, ""]
    return "\n".join(out).rstrip() + "\n"
