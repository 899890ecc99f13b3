"""JSON output: plain data for tools and scripts."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from goleakhelp import __version__
from goleakhelp.knowledge.cheatsheet import CheatSheet
from goleakhelp.knowledge.entry import Entry
from goleakhelp.knowledge.search import SearchResult


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def entry_data(entry: Entry) -> dict[str, Any]:
    data = dataclasses.asdict(entry)
    data["source"] = str(entry.source)
    return data


def search_json(result: SearchResult) -> str:
    """A list of hits, best first."""
    return _dump([dataclasses.asdict(hit) for hit in result.hits])


def entry_json(entry: Entry) -> str:
    return _dump({"goleakhelp_version": __version__, **entry_data(entry)})


def list_json(entries: Iterable[Entry], lang: str) -> str:
    return _dump(
        [
            {"id": e.id, "kind": e.kind, "category": e.category, "severity": e.severity, "title": e.title.get(lang), "summary": e.summary.get(lang)}
            for e in entries
        ]
    )


def cheatsheet_json(sheet: CheatSheet) -> str:
    return _dump(dataclasses.asdict(sheet))
