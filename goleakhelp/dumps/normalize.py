"""Undo what terminals and log collectors do to a dump: CRLF, colour codes, per-line prefixes.

A log pipeline often prefixes every line ("2026-11-26T10:00:00Z ERROR ", "pod-7 stderr F ").
The prefix is learnt from the lines that start a goroutine (everything before the word
`goroutine`), generalised to its shape (digits may vary), and removed from every line
that starts with a prefix of that shape.
"""

from __future__ import annotations

import re

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# A goroutine header or a profile's first line, wherever it sits in a line.
_ANCHOR = re.compile(r"goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[|goroutine(?:leak)? profile: total \d+")
_MAX_PREFIX = 200


def _shape(prefix: str) -> str:
    """A regex for prefixes like this one: digit runs may differ, everything else is literal."""
    parts = re.split(r"(\d+)", prefix)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts)


def clean_lines(text: str) -> tuple[list[str], list[str]]:
    """The dump's lines with decorations removed, and notes on what was removed."""
    notes: list[str] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("converted CRLF line ends")
    if "\x1b" in text:
        text = ANSI.sub("", text)
        notes.append("removed terminal colour codes")
    lines = text.split("\n")

    shapes: dict[str, int] = {}
    for line in lines:
        match = _ANCHOR.search(line)
        if match and 0 < match.start() <= _MAX_PREFIX:
            shape = _shape(line[: match.start()])
            shapes[shape] = shapes.get(shape, 0) + 1
    if shapes:
        # Only shapes seen on several headers are prefixes; a lone one is a log line.
        common = [s for s, n in shapes.items() if n >= 2 or len(shapes) == 1]
        if common:
            prefix = re.compile("(?:" + "|".join(sorted(common, key=len, reverse=True)) + ")")
            lines = [line[m.end():] if (m := prefix.match(line)) else line for line in lines]
            notes.append("removed a prefix from every line (timestamps or log metadata)")
    return lines, notes
