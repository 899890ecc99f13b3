"""Plain values for code findings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    id: str  # the KB entry's id
    file: str
    line: int  # 1-based, as the user sees the file or the pasted fragment
    column: int  # 1-based
    message: str  # what was seen, in one line
    confidence: str  # high | medium | low
    note: str = ""  # why the finding applies (a Go-version condition, ...)
    code: str = ""  # the source line, as written


@dataclass(frozen=True)
class Limit:
    """Code left out of the analysis because a bound was hit (so no finding there means nothing)."""

    file: str
    line: int  # 1-based: where the code that was not analysed starts
    reason: str  # "function nested more than 120 statements deep", ...
