"""Read the knowledge-base YAML files and validate them into a KnowledgeBase."""

from __future__ import annotations

import difflib
import pickle
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
    """Load and validate the built-in KB plus any extra folders.

    The validated result is kept in the user cache folder, keyed by the KB's content and
    the code that validates it: parsing and validating the YAML costs more than a whole
    `goleakhelp dump` of a large dump otherwise."""
    files, missing = kb_files(kb_dirs(extra_dirs))
    cache = _cache_path(files, missing)
    if cache is not None:
        try:
            with cache.open("rb") as f:
                kb = pickle.load(f)
            if isinstance(kb, KnowledgeBase):
                return kb
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            pass
    kb = _load(files, missing)
    if cache is not None:
        _store(cache, kb)
    return kb


def _cache_path(files: Sequence[Path], missing: Sequence[Path]) -> Path | None:
    from goleakhelp import __version__
    from goleakhelp.knowledge import entry, schema
    from goleakhelp.knowledge.index import default_cache_dir
    from goleakhelp.knowledge.sources import fingerprint

    code = [Path(__file__), Path(schema.__file__), Path(entry.__file__)]
    try:
        stamp = "".join(f"{p.stat().st_mtime_ns}:{p.stat().st_size};" for p in code)
    except OSError:
        return None
    key = fingerprint([*files, *missing]) + __version__ + stamp
    import hashlib

    return default_cache_dir() / f"kb-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def _store(path: Path, kb: KnowledgeBase) -> None:
    """Write atomically; a cache folder that cannot be written only costs speed."""
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kb, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return


def _load(files: Sequence[Path], missing: Sequence[Path]) -> KnowledgeBase:
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
