"""The runtime's traceback text: pprof debug=2, goroutineleak debug=2, panics and fatal errors,
SIGQUIT dumps, `go test -timeout` panics, runtime.Stack(buf, true), goleak failures.

All of these print goroutines the same way (runtime/traceback.go):

    goroutine 19 gp=0xc0 m=nil [chan send (leaked), 5 minutes, locked to thread] {k: v}:
    main.leak.func1(0xc000012345, ...)
    \t/src/main.go:14 +0x1d
    created by main.leak in goroutine 1
    \t/src/main.go:12 +0x85
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from goleakhelp.dumps.model import Dump, Frame, Goroutine

HEADER = re.compile(r"^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\](?: \{(.*)\})?:\s*$")
FUNCTION = re.compile(r"^(\S.*?)\(([^()]*)\)$")
FILE = re.compile(r"^\s+(.+?):(\d+)( \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?\s*$")
CREATED_BY = re.compile(r"^created by (.+?)(?: in goroutine (\d+))?$")
ELIDED = re.compile(r"^\.\.\.(?:\d+|additional) frames elided\.\.\.$")
ORIGIN = re.compile(r"^\[originating from goroutine (\d+)\]:$")
MINUTES = re.compile(r"^(\d+) minutes?$")
LABEL = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^:,]+?)\s*:\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*(?:,|$)')
CRASH_HEADER = re.compile(r"^(panic: |fatal error: |SIGQUIT: |SIG[A-Z]+: |unexpected fault address|runtime: )")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse_labels(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple((_unquote(k), _unquote(v)) for k, v in LABEL.findall(text) if k)


def parse_state(field: str) -> dict:
    """`chan send (leaked), 5 minutes, locked to thread` -> state, leaked, minutes, ..."""
    parts = field.split(", ")
    state = parts[0]
    out = {"leaked": False, "durable": False, "wait_minutes": 0, "locked_to_thread": False}
    # Printed in the order (leaked) (scan) (durable); strip them from the end.
    for mark, key in ((" (durable)", "durable"), (" (scan)", None), (" (leaked)", "leaked")):
        if state.endswith(mark):
            state = state[: -len(mark)]
            if key:
                out[key] = True
    for part in parts[1:]:
        if m := MINUTES.match(part):
            out["wait_minutes"] = int(m.group(1))
        elif part == "locked to thread":
            out["locked_to_thread"] = True
    out["state"] = state
    return out


class _Builder:
    """Collects one goroutine's lines."""

    __slots__ = ("id", "head", "frames", "created_by", "parent", "elided", "unavailable", "pending", "creating", "in_origin")

    def __init__(self, gid: int, head: dict) -> None:
        self.id = gid
        self.head = head
        self.frames: list[Frame] = []
        self.created_by: Frame | None = None
        self.parent: int | None = None
        self.elided = False
        self.unavailable = False
        self.pending: str | None = None  # a function line waiting for its file line
        self.creating = False  # the pending function is the "created by" one
        self.in_origin = False  # inside an [originating from goroutine N] ancestor trace

    def finish(self) -> Goroutine:
        self._flush(None, 0, False)
        h = self.head
        return Goroutine(
            id=self.id,
            state=h["state"],
            frames=tuple(self.frames),
            created_by=self.created_by,
            parent_id=self.parent,
            wait_minutes=h["wait_minutes"],
            leaked=h["leaked"],
            durable=h["durable"],
            locked_to_thread=h["locked_to_thread"],
            labels=h["labels"],
            frames_elided=self.elided,
            stack_unavailable=self.unavailable,
        )

    def _flush(self, file: str | None, line: int, inlined: bool) -> None:
        if self.pending is None:
            return
        frame = Frame(self.pending, file or "", line, inlined)
        if self.creating:
            self.created_by = frame
        elif not self.in_origin:
            self.frames.append(frame)
        self.pending = None
        self.creating = False


def read_text(lines: Iterable[str]) -> Dump:
    """Parse every goroutine block; lines that belong to no goroutine are skipped."""
    dump = Dump(format="goroutine-text")
    goroutines = dump.goroutines
    current: _Builder | None = None
    header_match = HEADER.match
    for line in lines:
        if not line:
            if current is not None:
                goroutines.append(current.finish())
                current = None
            continue
        first = line[0]
        if first == "g" and (m := header_match(line)):
            if current is not None:
                goroutines.append(current.finish())
            head = parse_state(m.group(2))
            head["labels"] = parse_labels(m.group(3))
            current = _Builder(int(m.group(1)), head)
            continue
        if current is None:
            if not goroutines and not dump.header and CRASH_HEADER.match(line):
                dump.header = line.strip()
            continue
        if first in " \t":
            fm = FILE.match(line)
            if fm and current.pending is not None:
                # Inlined frames are printed without a +0x offset.
                current._flush(fm.group(1), int(fm.group(2)), fm.group(3) is None)
            elif "stack unavailable" in line:
                current.unavailable = True
            continue
        if current.pending is not None:
            # A function line without its file line: keep the frame without a location.
            current._flush(None, 0, False)
        if m := CREATED_BY.match(line):
            current.pending = m.group(1)
            current.creating = True
            if m.group(2):
                current.parent = int(m.group(2))
            continue
        if ELIDED.match(line):
            current.elided = True
            continue
        if ORIGIN.match(line):
            current.in_origin = True
            continue
        if m := FUNCTION.match(line):
            current.pending = m.group(1)
            continue
        # Anything else (a log line, goleak's closing "]", a register dump) ends the goroutine.
        goroutines.append(current.finish())
        current = None
    if current is not None:
        goroutines.append(current.finish())
    return dump
