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
from collections.abc import Iterable

from goleakhelp.dumps.model import Dump, Frame, Goroutine, StackInterner
from goleakhelp.waitreasons import parked_state

TOTAL = re.compile(r"^(goroutine|goroutineleak) profile: total (\d+)\s*$")
RECORD = re.compile(r"^(\d+) @(?: 0x[0-9a-f]+)*\s*$")
FRAME = re.compile(r"^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(.+):(\d+)\s*$")
LABELS = re.compile(r"^# labels: (\{.*\})\s*$")


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    try:
        data = json.loads(text)
    except ValueError:
        return ()
    return tuple((str(k), str(v)) for k, v in data.items()) if isinstance(data, dict) else ()


def read_debug1(lines: Iterable[str], interner: StackInterner | None = None) -> Dump:
    interner = interner or StackInterner()
    dump = Dump(format="pprof-debug1")
    leak_profile = False
    count = 0
    frames: list[Frame] = []
    labels: tuple[tuple[str, str], ...] = ()

    def flush() -> None:
        nonlocal count, frames, labels
        if count:
            stack, key = interner.stack(frames, None, False)
            state = parked_state(f.function for f in stack)
            dump.goroutines.append(
                Goroutine(id=None, state=state, frames=stack, leaked=leak_profile, labels=labels, count=count, stack_key=key)
            )
        count, frames, labels = 0, [], ()

    for line in lines:
        if m := TOTAL.match(line):
            leak_profile = m.group(1) == "goroutineleak"
            dump.format = "pprof-leak-debug1" if leak_profile else "pprof-debug1"
            dump.declared_total = int(m.group(2))
        elif m := RECORD.match(line):
            flush()
            count = int(m.group(1))
        elif m := FRAME.match(line):
            frames.append(interner.frame(m.group(1), m.group(2), int(m.group(3)), False))
        elif m := LABELS.match(line):
            labels = _labels(m.group(1))
        elif not line.strip():
            flush()
    flush()
    return dump
