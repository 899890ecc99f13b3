"""Undo what terminals and log collectors do to a dump: CRLF, colour codes, per-line prefixes.

A log pipeline often prefixes every line ("2026-11-26T10:00:00Z ERROR ", "pod-7 stderr F ").
The prefix is learnt from the first lines that start a goroutine (everything before the
word `goroutine`), generalised to its shape (digits may vary), and removed from every
line that starts with a prefix of that shape.

Lines are produced lazily: a dump of a million goroutines has millions of lines, and a
list of them would cost more memory than the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# A goroutine header or a profile's first line, wherever it sits in a line.
_ANCHOR = re.compile(r"goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[|goroutine(?:leak)? profile: total \d+")
_MAX_PREFIX = 200
_SAMPLE_ANCHORS = 200


def _shape(prefix: str) -> str:
    """A regex for prefixes like this one: digit runs may differ, everything else is literal."""
    parts = re.split(r"(\d+)", prefix)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts)


def _learn_prefix(text: str) -> re.Pattern | None:
    shapes: dict[str, int] = {}
    for n, match in enumerate(_ANCHOR.finditer(text)):
        if n >= _SAMPLE_ANCHORS:
            break
        line_start = text.rfind("\n", 0, match.start()) + 1
        if 0 < match.start() - line_start <= _MAX_PREFIX:
            shape = _shape(text[line_start : match.start()])
            shapes[shape] = shapes.get(shape, 0) + 1
    # Only shapes seen on several headers are prefixes; a lone one is a log line.
    common = [s for s, n in shapes.items() if n >= 2 or len(shapes) == 1]
    if not common:
        return None
    return re.compile("(?:" + "|".join(sorted(common, key=len, reverse=True)) + ")")


def clean_text(text: str) -> tuple[str, re.Pattern | None, list[str]]:
    """The text with CRLF and colour codes gone, the line prefix to strip (if any), and notes."""
    notes: list[str] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("converted CRLF line ends")
    if "\x1b" in text:
        text = ANSI.sub("", text)
        notes.append("removed terminal colour codes")
    prefix = _learn_prefix(text)
    if prefix is not None:
        notes.append("removed a prefix from every line (timestamps or log metadata)")
    return text, prefix, notes


_CHUNK = 1 << 20


def _split(text: str) -> Iterator[str]:
    """Lines without their ends, split a megabyte at a time (io.StringIO would copy the text
    at four bytes a character; one split() of it all would hold every line at once)."""
    rest = ""
    for start in range(0, len(text), _CHUNK):
        lines = (rest + text[start : start + _CHUNK]).split("\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def iter_lines(text: str, prefix: re.Pattern | None = None) -> Iterator[str]:
    """The lines of `text`, without line ends and without `prefix`."""
    if prefix is None:
        yield from _split(text)
        return
    match = prefix.match
    for line in _split(text):
        m = match(line)
        yield line[m.end() :] if m else line
