"""The runtime's traceback text: pprof debug=2, goroutineleak debug=2, panics and fatal errors,
SIGQUIT dumps, `go test -timeout` panics, runtime.Stack(buf, true), goleak failures.

All of these print goroutines the same way (runtime/traceback.go):

    goroutine 19 gp=0xc0 m=nil [chan send (leaked), 5 minutes, locked to thread] {k: v}:
    main.leak.func1(0xc000012345, ...)
    \t/src/main.go:14 +0x1d
    created by main.leak in goroutine 1
    \t/src/main.go:12 +0x85

The reader is a hand-rolled loop over lines with string methods rather than one regex
per line: a dump can hold a million goroutines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from goleakhelp.dumps.model import Dump, Frame, Goroutine, StackInterner

HEADER = re.compile(r"^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\](?: \{(.*)\})?:\s*$")
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
    out = {"leaked": False, "durable": False, "wait_minutes": 0, "locked_to_thread": False, "labels": ()}
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


def _location(text: str) -> tuple[str, int, bool]:
    """`/src/main.go:14 +0x1d` -> (file, line, inlined); inlined frames have no +0x offset."""
    text = text.strip()
    space = text.find(" ")
    loc = text if space < 0 else text[:space]
    inlined = space < 0 or not text.startswith("+0x", space + 1)
    colon = loc.rfind(":")
    number = loc[colon + 1 :]
    if colon <= 0 or not number.isdigit():
        return "", 0, False
    return loc[:colon], int(number), inlined


class _Reader:
    def __init__(self, interner: StackInterner) -> None:
        self.interner = interner
        self.dumps: list[Dump] = [Dump(format="goroutine-text")]
        self.ids: set[int] = set()
        # Parsed header state fields: a dump repeats a few of them thousands of times.
        self.states: dict[str, dict] = {}
        self._reset()

    def _reset(self) -> None:
        self.gid: int | None = None
        self.head: dict | None = None
        self.frames: list[Frame] = []
        self.created_by: Frame | None = None
        self.parent: int | None = None
        self.elided = False
        self.unavailable = False
        self.pending: str | None = None
        self.creating = False
        self.in_origin = False

    def flush_pending(self, file: str, line: int, inlined: bool) -> None:
        frame = self.interner.frame(self.pending, file, line, inlined)
        if self.creating:
            self.created_by = frame
        elif not self.in_origin:
            self.frames.append(frame)
        self.pending = None
        self.creating = False

    def finish(self) -> None:
        if self.head is None:
            return
        if self.pending is not None:
            self.flush_pending("", 0, False)
        frames, key = self.interner.stack(self.frames, self.created_by, self.elided)
        h = self.head
        self.dumps[-1].goroutines.append(
            Goroutine(
                id=self.gid,
                state=h["state"],
                frames=frames,
                created_by=self.created_by,
                parent_id=self.parent,
                wait_minutes=h["wait_minutes"],
                leaked=h["leaked"],
                durable=h["durable"],
                locked_to_thread=h["locked_to_thread"],
                labels=h["labels"],
                frames_elided=self.elided,
                stack_unavailable=self.unavailable,
                stack_key=key,
            )
        )
        self._reset()

    def start(self, gid: int, state_field: str, labels: str | None) -> None:
        self.finish()
        if gid in self.ids:
            # The same goroutine id again: a second dump starts here.
            self.dumps.append(Dump(format="goroutine-text"))
            self.ids = set()
        self.ids.add(gid)
        head = self.states.get(state_field)
        if head is None:
            head = self.states[state_field] = parse_state(state_field)
        if labels:
            head = {**head, "labels": parse_labels(labels)}
        self.gid = gid
        self.head = head


def read_text(lines: Iterable[str], interner: StackInterner | None = None) -> list[Dump]:
    """Every goroutine block, split into dumps where a goroutine id repeats."""
    r = _Reader(interner or StackInterner())
    header_match = HEADER.match
    locations: dict[str, tuple[str, int, bool]] = {}
    for line in lines:
        if not line:
            r.finish()
            continue
        first = line[0]
        if first == "g" and line.startswith("goroutine ") and (m := header_match(line)):
            r.start(int(m.group(1)), m.group(2), m.group(3))
            continue
        if r.head is None:
            dump = r.dumps[-1]
            if not dump.goroutines and not dump.header and CRASH_HEADER.match(line):
                dump.header = line.strip()
            continue
        if first == "\t" or first == " ":
            if r.pending is not None:
                # File lines repeat exactly across goroutines with the same stack.
                loc = locations.get(line)
                if loc is None:
                    loc = locations[line] = _location(line)
                r.flush_pending(*loc)
            elif "stack unavailable" in line:
                r.unavailable = True
            continue
        if r.pending is not None:
            r.flush_pending("", 0, False)  # a function line without its file line
        if line.endswith(")") and (paren := line.rfind("(")) > 0:
            r.pending = line[:paren]
            continue
        if line.startswith("created by "):
            rest = line[11:]
            at = rest.rfind(" in goroutine ")
            if at >= 0 and rest[at + 14 :].isdigit():
                r.parent = int(rest[at + 14 :])
                rest = rest[:at]
            r.pending = rest
            r.creating = True
            continue
        if ELIDED.match(line):
            r.elided = True
            continue
        if ORIGIN.match(line):
            r.in_origin = True
            continue
        # Anything else (a log line, goleak's closing "]", a register dump) ends the goroutine.
        r.finish()
    r.finish()
    return [d for d in r.dumps if d.goroutines]
