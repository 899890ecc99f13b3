"""What the assistant answers with: plain values that a renderer turns into terminal output.

A reply is a list of parts; each part names what to show, and the words come from the KB
and the analyses. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Say:
    text: str
    tone: str = "plain"  # plain | info | warn | error | dim


@dataclass(frozen=True)
class ShowExplanation:
    explanation: Any  # assistant.explain.Explanation: a search, dump, code or heap result
    first: int = 0  # for a search: the number of the first hit shown, less one (for "more")


@dataclass(frozen=True)
class ShowEntry:
    entry_id: str
    sections: tuple[str, ...] = ()  # Section keys to show; () shows the whole entry


@dataclass(frozen=True)
class ShowDumpGroup:
    report: Any  # dumps.analyze.DumpReport
    index: int  # into report.findings


@dataclass(frozen=True)
class ShowCodeFinding:
    report: Any  # code.analyze.CodeReport
    index: int  # into report.findings


@dataclass(frozen=True)
class ShowCheatsheet:
    pass


@dataclass(frozen=True)
class Reply:
    parts: tuple = ()
    sources: tuple[str, ...] = ()  # the KB entries the answer draws on
    followups: tuple[str, ...] = ()  # what the user can type next
    quit: bool = False


@dataclass(frozen=True)
class Item:
    """One numbered thing in the last answer that "2" can pick."""

    entry_id: str | None
    kind: str  # "hit", "group", "finding" or "pattern"
    index: int  # into the result's list
