"""Read the knowledge-base YAML files and validate them into a KnowledgeBase."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.knowledge.entry import CATEGORIES, Entry
from goleakhelp.knowledge.schema import Problem, cross_check, parse_entry
from goleakhelp.knowledge.sources import kb_dirs, kb_files

# A KB file larger than this is not an entry someone wrote by hand.
MAX_ENTRY_BYTES = 1_000_000



def _read_yaml(path: Path) -> tuple[object, list[Problem]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), "", f"cannot read: {exc.strerror or exc}")]
    if len(raw) > MAX_ENTRY_BYTES:
        return None, [Problem(str(path), "", f"is {len(raw):,} bytes; an entry is at most {MAX_ENTRY_BYTES:,}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(str(path), "", f"is not UTF-8 text (byte {exc.start})")]
    try:
        return yaml.load(text, Loader=loader), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(str(path), "", f"invalid YAML: {where}{reason}")]


@dataclass(frozen=True)
class KnowledgeBase:
    """Every valid entry, by id, and every problem found while loading."""

    entries: dict[str, Entry]
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def closest_ids(self, entry_id: str, n: int = 3) -> list[str]:
        ids = list(self.entries)
        close = difflib.get_close_matches(entry_id, ids, n=n, cutoff=0.5)
        partial = [i for i in ids if entry_id and entry_id in i and i not in close]
        return (close + partial)[:n]

    def by_category(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {c: [] for c in CATEGORIES}
        for entry in self.entries.values():
            groups[entry.category].append(entry)
        return {c: sorted(es, key=lambda e: e.id) for c, es in groups.items() if es}


def load_knowledge_base(extra_dirs: Sequence[Path | str] = ()) -> KnowledgeBase:
    """Load and validate the built-in KB plus any extra folders."""
    files, missing = kb_files(kb_dirs(extra_dirs))
    problems = [Problem(str(d), "", "knowledge-base folder does not exist or is not a folder") for d in missing]
    entries: list[Entry] = []
    for path in files:
        data, read_problems = _read_yaml(path)
        problems += read_problems
        if read_problems:
            continue
        entry, entry_problems = parse_entry(data, path)
        problems += entry_problems
        # An entry with problems is reported, never shown half-written.
        if entry is not None and not entry_problems:
            entries.append(entry)
    problems += cross_check(entries)
    by_id: dict[str, Entry] = {}
    for entry in entries:
        by_id.setdefault(entry.id, entry)
    return KnowledgeBase(by_id, tuple(problems), tuple(files))
