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
        for segment in super().render(renderable, options):
            if segment.control is None and UNSAFE.search(segment.text):
                yield Segment(printable(segment.text), segment.style)
            else:
                yield segment


def safe_console(**kwargs) -> SafeConsole:
    """The console every command prints through: no markup, no highlighting, no emoji codes."""
    kwargs.setdefault("highlight", False)
    kwargs.setdefault("emoji", False)
    kwargs.setdefault("markup", False)
    return SafeConsole(**kwargs)
