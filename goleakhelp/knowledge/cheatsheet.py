"""The cheat sheet as plain values: one line per leak pattern, grouped by category.

Everything comes from the KB: the symptom is an entry's first symptom, the cause
its summary, the fix its first fix step, and the evidence-collecting commands
are the commands of the technique entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from goleakhelp.knowledge.loader import KnowledgeBase


@dataclass(frozen=True)
class CheatRow:
    id: str
    title: str
    symptom: str
    cause: str
    fix: str


@dataclass(frozen=True)
class CheatSection:
    category: str
    rows: tuple[CheatRow, ...]


@dataclass(frozen=True)
class CommandGroup:
    id: str
    title: str
    commands: tuple[str, ...]


@dataclass(frozen=True)
class CheatSheet:
    lang: str
    sections: tuple[CheatSection, ...]
    commands: tuple[CommandGroup, ...]


def build_cheatsheet(kb: KnowledgeBase, lang: str) -> CheatSheet:
    sections = []
    for category, entries in kb.by_category().items():
        rows = tuple(
            CheatRow(
                id=e.id,
                title=e.title.get(lang),
                symptom=e.symptoms.get(lang)[0],
                cause=e.summary.get(lang),
                fix=e.quick_fix(lang),
            )
            for e in entries
            if e.kind == "pattern"
        )
        if rows:
            sections.append(CheatSection(category, rows))
    commands = tuple(
        CommandGroup(e.id, e.title.get(lang), e.commands)
        for e in sorted(kb.entries.values(), key=lambda e: e.id)
        if e.kind == "technique" and e.commands
    )
    return CheatSheet(lang, tuple(sections), commands)
