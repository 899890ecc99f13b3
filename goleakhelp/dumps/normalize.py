"""Undo what terminals, log collectors and Markdown do to a dump, one line at a time.

- CRLF line ends and terminal colour codes;
- a per-line prefix ("2026-11-26T10:00:00Z ERROR ", "pod-7 stderr F ", "> "), learnt from
  the lines that start a goroutine (everything before the word `goroutine`), generalised
  to its shape (digit runs may vary), and removed from every line of that shape;
- syslog's `#011` for a tab;
- Markdown emphasis eating the `*` of a pointer receiver: `(_T).m`, `(\\*T).m`, `(T).m`
  (the runtime prints value receivers as `pkg.T.m`, so `(T).` is always a lost `*`).

The rest of what pasting does (lost indentation, hard-wrapping, condensed frames) is the
text reader's business, since only it knows what line it expects next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from goleakhelp.dumps.header import HEADER_PATTERN

ANSI = re.compile(r"\x1b\[[0-9;?]{0,40}[ -/]{0,5}[@-~]|\x1b\][^\x07\x1b]{0,2000}(?:\x07|\x1b\\)")
_ANCHOR = re.compile(HEADER_PATTERN + r"|goroutine(?:leak)? profile: total \d{1,12}")
_MARKDOWN = re.compile(r"\((?:_|\\\*)[A-Za-z]\w{0,200}\)\.|\.\([A-Za-z]\w{0,200}\)\.")
_RECEIVER = re.compile(r"\((?:_|\\\*)?([A-Za-z]\w{0,200}(?:\[[^\]\n]{0,200}\])?)\)\.")
_MAX_PREFIX = 200
_SAMPLE_ANCHORS = 200


def _shape(prefix: str) -> str:
    """A regex for prefixes like this one: digit runs may differ, everything else is literal."""
    parts = re.split(r"(\d+)", prefix)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts)


def _learn_prefix(text: str) -> re.Pattern | None:
    shapes: dict[str, int] = {}
    headers = 0
    for headers, match in enumerate(_ANCHOR.finditer(text), 1):
        if headers > _SAMPLE_ANCHORS:
            break
        line_start = text.rfind("\n", 0, match.start()) + 1
        prefix = text[line_start : match.start()]
        if 0 < len(prefix) <= _MAX_PREFIX and prefix.strip():
            shape = _shape(prefix)
            shapes[shape] = shapes.get(shape, 0) + 1
    # Only shapes seen on several headers are prefixes; a lone one is a log line (or a
    # comment quoting a header), unless it is on the only header there is.
    common = [s for s, n in shapes.items() if n >= 2 or headers == 1]
    if not common:
        return None
    return re.compile("(?:" + "|".join(sorted(common, key=len, reverse=True)) + ")")


class Cleaner:
    """What to undo, learnt from the first 64 KiB; `plain` when there is nothing to undo."""

    def __init__(self, head: str) -> None:
        self.ansi = "\x1b" in head
        self.syslog = "#011" in head
        self.markdown = _MARKDOWN.search(head) is not None
        self.prefix = _learn_prefix(ANSI.sub("", head) if self.ansi else head)
        self.crlf = "\r" in head

    @property
    def plain(self) -> bool:
        """Nothing to undo but CRLF, which the block reader handles itself."""
        return not (self.ansi or self.syslog or self.markdown or self.prefix)

    @property
    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.crlf:
            notes.append("converted CRLF line ends")
        if self.ansi:
            notes.append("removed terminal colour codes")
        if self.prefix is not None:
            notes.append("removed a prefix from every line (timestamps or log metadata)")
        if self.syslog:
            notes.append("read syslog's #011 as a tab")
        if self.markdown:
            notes.append("repaired pointer receivers that Markdown turned into emphasis ((_T) for (*T))")
        return tuple(notes)

    def lines(self, chunks: Iterable[str]) -> Iterator[str]:
        """The cleaned lines of text arriving in chunks."""
        prefix = self.prefix.match if self.prefix is not None else None
        rest = ""
        for chunk in chunks:
            lines = (rest + chunk).split("\n")
            rest = lines.pop()
            for line in lines:
                yield self.line(line, prefix)
        if rest:
            yield self.line(rest, prefix)

    def line(self, line: str, prefix=None) -> str:
        line = line.removesuffix("\r")
        if self.ansi and "\x1b" in line:
            line = ANSI.sub("", line)
        if prefix is not None and (m := prefix(line)):
            line = line[m.end() :]
        if self.syslog:
            line = line.replace("#011", "\t")
        if self.markdown and "(" in line:
            line = _RECEIVER.sub(r"(*\1).", line.replace("\\_", "_"))
        return line.replace("\r", "")
