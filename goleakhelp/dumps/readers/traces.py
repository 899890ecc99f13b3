"""`go tool pprof -traces` output of a goroutine profile.

    Type: goroutine
    -----------+-------------------------------------------------------
         handler:  upload
             3   main.leak.func1
                 runtime.goexit
    -----------+-------------------------------------------------------

Function names only (no files or lines), a count on the first frame, ` (inline)` marks.
Runtime frames are kept, so the wait state is read from the frame a goroutine parked in.
"""

from __future__ import annotations

import re

from goleakhelp.dumps.build import DumpBuilder, Interner
from goleakhelp.dumps.header import HeadState
from goleakhelp.dumps.model import Shows
from goleakhelp.waitreasons import parked_state

SHOWS = Shows(ids=False, wait_states=False, creators=False, counts=True)
SEPARATOR = "-----------+-------------------------------------------------------"
FIRST = re.compile(r"^\s{0,20}(\d{1,12})\s{3}(\S.{0,2000}?)( \(inline\))?\s*$")
NEXT = re.compile(r"^\s{11,40}(\S.{0,2000}?)( \(inline\))?\s*$")
LABEL = re.compile(r"^\s{0,20}([^\s:]{1,200}):\s{2}(.{0,2000})$")


class TracesReader:
    def __init__(self) -> None:
        self.interner = Interner()
        self.builder = DumpBuilder("traces", "pprof-traces", SHOWS)
        self.builders = [self.builder]
        self.heads: dict[tuple, HeadState] = {}
        self.count = 0
        self.frames: list = []
        self.labels: list[tuple[str, str]] = []
        self.in_records = False

    def _flush(self) -> None:
        if self.count:
            stack = self.interner.stack(self.frames, None, False)
            key = (stack.key, tuple(self.labels))
            head = self.heads.get(key)
            if head is None:
                state = parked_state(f.function for f in stack.frames)
                leaked = self.builder.format == "pprof-traces-leak"
                head = self.heads[key] = HeadState(state, leaked=leaked, labels=tuple(self.labels))
            self.builder.add(stack, head, None, None, self.count)
        self.count, self.frames, self.labels = 0, [], []

    def feed_line(self, line: str) -> None:
        if line.startswith(SEPARATOR):
            self._flush()
            self.in_records = True
            return
        if not self.in_records:
            if line.startswith("Type: goroutineleak"):
                self.builder.format = "pprof-traces-leak"
            return
        if m := FIRST.match(line):
            self.count = int(m.group(1))
            self.frames.append(self.interner.frame(m.group(2), "", 0, bool(m.group(3))))
        elif self.count and (m := NEXT.match(line)):
            self.frames.append(self.interner.frame(m.group(1), "", 0, bool(m.group(2))))
        elif not self.count and (m := LABEL.match(line)):
            self.labels.append((m.group(1), m.group(2)))

    def end(self) -> None:
        self._flush()
