"""The console every command prints through: rich, with user text never markup and never
a control sequence."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from goleakhelp.render.escape import UNSAFE, printable


class SafeConsole(Console):
    """A rich Console whose every rendered piece of text passes through `printable`.

    The renderers build rich Text from user strings; whatever one of them forgets, this
    catches: the text of every segment is escaped before rich adds its own styling.
    Segments that are rich's own control codes (cursor moves of Live) are left alone.
    """

    def render(self, renderable, options=None) -> Iterable[Segment]:
        return _without_trailing_spaces(self._escaped(super().render(renderable, options)))

    @staticmethod
    def _escaped(segments: Iterable[Segment]) -> Iterable[Segment]:
        for segment in segments:
            if segment.control is None and UNSAFE.search(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


def _without_trailing_spaces(segments: Iterable[Segment]) -> Iterable[Segment]:
    """`segments` with the spaces at the end of each line dropped. rich pads padded and
    wrapped text to the console width; in a pipe, and when pasted into an issue or a
    commit message, that padding is trailing whitespace. Spaces with a background colour
    are kept: there they are what is seen."""
    line: list[Segment] = []
    for segment in segments:
        if segment.control is not None:
            yield from line
            line.clear()
            yield segment
            continue
        text = segment.text
        if "\n" not in text:
            line.append(segment)
            continue
        *ended, last = text.split("\n")
        for part in ended:
            if part:
                line.append(Segment(part, segment.style))
            yield from _strip_end(line)
            line.clear()
            yield Segment("\n", segment.style)
        if last:  # the start of the next line, which later segments continue
            line.append(Segment(last, segment.style))
    yield from _strip_end(line)


def _strip_end(line: list[Segment]) -> list[Segment]:
    end = len(line)
    while end:
        segment = line[end - 1]
        if segment.style is not None and segment.style.bgcolor is not None:
            break
        stripped = segment.text.rstrip(" ")
        if stripped:
            return [*line[: end - 1], Segment(stripped, segment.style)]
        end -= 1
    return line[:end]


def safe_console(**kwargs) -> SafeConsole:
    """The console every command prints through: no markup, no highlighting, no emoji codes."""
    kwargs.setdefault("highlight", False)
    kwargs.setdefault("emoji", False)
    kwargs.setdefault("markup", False)
    return SafeConsole(**kwargs)
