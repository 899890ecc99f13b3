"""pprof's count format: `goroutine profile: total N` (debug=1), also the goroutineleak profile.

    goroutine profile: total 11
    3 @ 0x47db2a 0x41421c 0x4e20bd 0x47e1e1
    # labels: {"handler":"upload"}
    #\t0x4e20bd\tmain.leak.func1+0x1d\t/src/main.go:14

Identical stacks are counted, not listed; there are no ids, states or creators, and
runtime frames are left out, so the wait state is known only when a parking frame outside
the runtime package shows (internal/poll.runtime_pollWait, sync.runtime_Semacquire...).
"""

from __future__ import annotations

import json
import re

from goleakhelp.dumps.build import DumpBuilder, Interner
from goleakhelp.dumps.header import HeadState
from goleakhelp.dumps.model import Shows
from goleakhelp.waitreasons import parked_state

SHOWS = Shows(ids=False, wait_states=False, creators=False, counts=True)
TOTAL = re.compile(r"^(goroutine|goroutineleak) profile: total (\d{1,12})\s*$")
RECORD = re.compile(r"^(\d{1,12}) @(?: 0x[0-9a-f]{1,16}){0,1000}\s*$")
FRAME = re.compile(r"^#\s+0x[0-9a-f]{1,16}\s+(\S{1,2000}?)(?:\+0x[0-9a-f]{1,16})?\s+(\S.{0,2000}?):(\d{1,9})\s*$")
LABELS = re.compile(r"^# labels: (\{.{0,8000}\})\s*$")


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    try:
        data = json.loads(text)
    except ValueError:
        return ()
    return tuple((str(k), str(v)) for k, v in data.items()) if isinstance(data, dict) else ()


class Debug1Reader:
    """One builder per `... profile: total N` line."""

    def __init__(self) -> None:
        self.interner = Interner()
        self.builders: list[DumpBuilder] = []
        self.heads: dict[tuple, HeadState] = {}
        self.count = 0
        self.frames: list = []
        self.labels: tuple[tuple[str, str], ...] = ()
        self.leak_profile = False

    def _flush(self) -> None:
        if self.count and self.builders:
            stack = self.interner.stack(self.frames, None, False)
            key = (stack.key, self.labels)
            head = self.heads.get(key)
            if head is None:
                state = parked_state(f.function for f in stack.frames)
                head = self.heads[key] = HeadState(state, leaked=self.leak_profile, labels=self.labels)
            self.builders[-1].add(stack, head, None, None, self.count)
        self.count, self.frames, self.labels = 0, [], ()

    def feed_line(self, line: str) -> None:
        if m := TOTAL.match(line):
            self._flush()
            self.leak_profile = m.group(1) == "goroutineleak"
            builder = DumpBuilder("debug1", "pprof-leak-debug1" if self.leak_profile else "pprof-debug1", SHOWS)
            builder.declared_total = int(m.group(2))
            self.builders.append(builder)
        elif m := RECORD.match(line):
            self._flush()
            self.count = int(m.group(1))
        elif m := FRAME.match(line):
            self.frames.append(self.interner.frame(m.group(1), m.group(2), int(m.group(3)), False))
        elif m := LABELS.match(line):
            self.labels = _labels(m.group(1))
        elif not line.strip():
            self._flush()

    def end(self) -> None:
        self._flush()
