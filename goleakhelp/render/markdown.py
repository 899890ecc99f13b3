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
