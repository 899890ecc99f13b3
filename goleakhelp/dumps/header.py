"""The goroutine header grammar, written once for every reader and for input detection.

runtime/traceback.go (goroutineheader) prints

    goroutine <id>[ gp=<p> m=<id> mp=<p> | m=nil] [<status>[ (leaked)][ (scan)][ (durable)][, <N> minutes][, locked to thread][, synctest bubble <id>]][ {k: v, ...}]:

Pasted dumps bend it: ids are redacted (`goroutine NNNNN`), Markdown adds `**` after the
colon, a test harness prefixes the line. The pattern takes any id token and bounds every
repetition, so hostile text cannot make it backtrack for long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_PATTERN = (
    r"goroutine (?P<id>[^\s\[\]]{1,32})(?: gp=\S{1,40})?(?: m=\S{1,40})?(?: mp=\S{1,40})? "
    r"\[(?P<state>[^\]\n]{0,300})\](?: \{(?P<labels>[^\n]{0,4000}?)\})?:"
)
HEADER = re.compile(HEADER_PATTERN)

_MINUTES = re.compile(r"^(\d{1,9}) minutes?$")
_LABEL = re.compile(r'\s*("(?:[^"\\]|\\.){0,500}"|[^:,]{1,500}?)\s*:\s*("(?:[^"\\]|\\.){0,2000}"|[^,]{0,2000}?)\s*(?:,|$)')
# Printed in this order after the wait reason; stripped from the end.
_MARKS = ((" (durable)", "durable"), (" (scan)", ""), (" (leaked)", "leaked"))


@dataclass(frozen=True, slots=True)
class HeadState:
    """What the bracketed field and the labels say about a goroutine."""

    state: str  # wait reason or status without the marks; "" when unknown
    wait_minutes: int = 0
    leaked: bool = False
    durable: bool = False
    locked_to_thread: bool = False
    labels: tuple[tuple[str, str], ...] = ()


def parse_state(field: str, labels: str | None = None) -> HeadState:
    """`chan send (leaked), 5 minutes, locked to thread` -> HeadState."""
    parts = field.split(", ")
    state = parts[0].strip()
    marks = {"leaked": False, "durable": False}
    for mark, key in _MARKS:
        if state.endswith(mark):
            state = state[: -len(mark)]
            if key:
                marks[key] = True
    minutes = 0
    locked = False
    for part in parts[1:]:
        part = part.strip()
        if m := _MINUTES.match(part):
            minutes = int(m.group(1))
        elif part == "locked to thread":
            locked = True
    return HeadState(state, minutes, marks["leaked"], marks["durable"], locked, parse_labels(labels))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse_labels(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple((_unquote(k), _unquote(v)) for k, v in _LABEL.findall(text) if k)


def goroutine_id(token: str) -> int | None:
    """The id, or None when it was redacted (`NNNNN`, `<id>`, `XXX`)."""
    return int(token) if token.isdigit() and len(token) < 20 else None
