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

import dataclasses
import re
from collections.abc import Iterable

from goleakhelp.dumps.model import Dump, Frame, Goroutine, StackInterner
from goleakhelp.waitreasons import parked_state

SEPARATOR = "-----------+-------------------------------------------------------"
FIRST = re.compile(r"^\s*(\d+)\s{3}(\S.*?)( \(inline\))?\s*$")
NEXT = re.compile(r"^\s{11,}(\S.*?)( \(inline\))?\s*$")
LABEL = re.compile(r"^\s*([^\s:]+):\s{2}(.*)$")


def read_traces(lines: Iterable[str], interner: StackInterner | None = None) -> Dump:
    interner = interner or StackInterner()
    dump = Dump(format="pprof-traces")
    count = 0
    frames: list[Frame] = []
    labels: list[tuple[str, str]] = []

    def flush() -> None:
        nonlocal count, frames, labels
        if count:
            stack, key = interner.stack(frames, None, False)
            state = parked_state(f.function for f in stack)
            dump.goroutines.append(Goroutine(id=None, state=state, frames=stack, labels=tuple(labels), count=count, stack_key=key))
        count, frames, labels = 0, [], []

    in_records = False
    for line in lines:
        if line.startswith(SEPARATOR):
            flush()
            in_records = True
            continue
        if not in_records:
            if line.startswith("Type: goroutineleak"):
                dump.format = "pprof-traces-leak"
            continue
        if m := FIRST.match(line):
            count = int(m.group(1))
            frames.append(interner.frame(m.group(2), "", 0, bool(m.group(3))))
        elif count and (m := NEXT.match(line)):
            frames.append(interner.frame(m.group(1), "", 0, bool(m.group(2))))
        elif not count and (m := LABEL.match(line)):
            labels.append((m.group(1), m.group(2)))
    flush()
    if dump.format == "pprof-traces-leak":
        dump.goroutines = [dataclasses.replace(g, leaked=True) for g in dump.goroutines]
    return dump
