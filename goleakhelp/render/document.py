"""An entry laid out as a format-neutral document, so every renderer shows the same sections in the same order."""

from __future__ import annotations

from dataclasses import dataclass

from goleakhelp.i18n import category_name, kind_name, label
from goleakhelp.knowledge.entry import Entry


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Code:
    text: str
    language: str  # "go" or "shell"


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Para | Bullets | Code, ...]
    key: str = ""  # which part of the entry: "why", "fix", "fixed", ... (for showing one part)


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    meta: tuple[tuple[str, str], ...]  # (label, value) pairs shown under the title
    summary: str
    sections: tuple[Section, ...]


def paragraphs(text: str) -> tuple[Para, ...]:
    """A YAML block of text as paragraphs: blank lines separate them, line breaks inside do not."""
    return tuple(Para(" ".join(chunk.split())) for chunk in text.strip().split("\n\n") if chunk.strip())


def _signature_lines(entry: Entry, lang: str) -> tuple[str, ...]:
    lines = []
    for sig in entry.dump_signatures:
        parts = [f"{label('wait_state', lang)}: {', '.join(sig.states) or label('any_state', lang)}"]
        if sig.frames:
            parts.append(f"{label('frames', lang)}: {'; '.join(sig.frames)}")
        if sig.created_by:
            parts.append(f"{label('created_by', lang)}: {sig.created_by}")
        lines.append(" | ".join(parts))
    return tuple(lines)


def entry_document(entry: Entry, lang: str) -> Document:
    s: list[Section] = []
    s.append(Section(label("symptoms", lang), (Bullets(entry.symptoms.get(lang)),), key="symptoms"))
    if entry.errors:
        s.append(Section(label("errors", lang), (Bullets(entry.errors),), key="errors"))
    why_key = "why" if entry.kind == "pattern" else "why_technique"
    s.append(Section(label(why_key, lang), paragraphs(entry.why.get(lang)), key="why"))
    s.append(Section(label("fix", lang), (Bullets(entry.fix.get(lang), numbered=True),), key="fix"))
    if entry.pitfalls.get(lang):
        s.append(Section(label("pitfalls", lang), (Bullets(entry.pitfalls.get(lang)),), key="pitfalls"))
    if entry.code.leaky:
        s.append(Section(label("leaky", lang), (Code(entry.code.leaky, "go"),), key="leaky"))
    if entry.code.fixed:
        key = "fixed" if entry.kind == "pattern" else "example"
        s.append(Section(label(key, lang), (Code(entry.code.fixed, "go"),), key="fixed"))
    if entry.commands:
        s.append(Section(label("commands", lang), (Code("\n".join(entry.commands), "shell"),), key="commands"))
    dump_blocks: list[Para | Bullets | Code] = [*paragraphs(entry.dump_note.get(lang))]
    if entry.dump_signatures:
        dump_blocks.append(Bullets(_signature_lines(entry, lang)))
    s.append(Section(label("dump", lang), tuple(dump_blocks), key="dump"))
    heap_blocks: list[Para | Bullets | Code] = [*paragraphs(entry.heap_note.get(lang))]
    if entry.heap_frames:
        heap_blocks.append(Bullets(entry.heap_frames))
    s.append(Section(label("heap", lang), tuple(heap_blocks), key="heap"))
    if entry.linters:
        linters = Bullets(tuple(f"{l.tool}: {l.rule}" for l in entry.linters))
    else:
        linters = Para(label("no_linter", lang))
    s.append(Section(label("linters", lang), (linters,), key="linters"))
    detection = label("detector_yes", lang, id=entry.id) if entry.detector_missing is None else entry.detector_missing.get(lang)
    s.append(Section(label("detector", lang), (Para(detection),), key="detector"))
    if entry.go_versions:
        s.append(Section(label("go_versions", lang), (Bullets(tuple(f"Go {v.version}: {v.note.get(lang)}" for v in entry.go_versions)),), key="go_versions"))
    if entry.related:
        s.append(Section(label("related", lang), (Para(", ".join(entry.related)),), key="related"))
    if entry.references:
        s.append(Section(label("references", lang), (Bullets(entry.references),), key="references"))
    meta = (
        (label("kind", lang), kind_name(entry.kind, lang)),
        (label("category", lang), category_name(entry.category, lang)),
        (label("severity", lang), entry.severity),
    )
    return Document(entry.id, entry.title.get(lang), meta, entry.summary.get(lang), tuple(s))
