"""Find the goroutine dumps in a text and parse each with the reader for its form."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from goleakhelp.dumps.model import Dump, StackInterner
from goleakhelp.dumps.normalize import clean_text, iter_lines
from goleakhelp.dumps.readers.debug1 import TOTAL, read_debug1
from goleakhelp.dumps.readers.text import read_text
from goleakhelp.dumps.readers.traces import SEPARATOR, read_traces
from goleakhelp.errors import UserError

_GOLEAK = "found unexpected goroutines"
_SYNCTEST_DEADLOCK = "blocked goroutines remain"


@dataclass(frozen=True)
class ParsedInput:
    dumps: list[Dump]  # every dump found, in input order
    notes: list[str]  # what was cleaned up


def parse_dump_text(text: str, byte_size: int | None = None) -> ParsedInput:
    """Every dump in `text`; raises UserError when there is none."""
    from goleakhelp.dumps.source import RUNTIME_TEXT_CAP

    text, prefix, notes = clean_text(text)
    head = list(itertools.islice(iter_lines(text[:65536], prefix), 200))
    if any(TOTAL.match(line) for line in head[:50]) or any(line.startswith("#\t0x") for line in head):
        dumps = _read_profiles(iter_lines(text, prefix))
    elif any(line.startswith(SEPARATOR) for line in head):
        dumps = [read_traces(iter_lines(text, prefix))]
    else:
        dumps = read_text(iter_lines(text, prefix))
        if any(_GOLEAK in line for line in head[:50]):
            # goleak lists only goroutines still alive after the test: its verdict is "leaked".
            for dump in dumps:
                dump.format = "goleak"
                dump.goroutines = [dataclasses.replace(g, leaked=True) for g in dump.goroutines]
    for dump in dumps:
        if _SYNCTEST_DEADLOCK in dump.header:
            # testing/synctest found these goroutines durably blocked when the bubble ended.
            dump.format = "synctest"
            dump.goroutines = [dataclasses.replace(g, leaked=True) if g.durable else g for g in dump.goroutines]
    dumps = [d for d in dumps if d.goroutines]
    if not dumps:
        raise UserError("no goroutine dump found in the input (expected lines such as `goroutine 1 [running]:`)")
    if byte_size == RUNTIME_TEXT_CAP and dumps[-1].format == "goroutine-text":
        # runtime/pprof stops writing a debug=2 dump when its buffer reaches exactly 64 MiB.
        dumps[-1].truncated = True
    for d in dumps:
        d.notes.extend(notes)
    return ParsedInput(dumps, notes)


def _read_profiles(lines) -> list[Dump]:
    """pprof count-format text, one dump per `... profile: total N` line."""
    interner = StackInterner()
    dumps: list[Dump] = []
    chunk: list[str] = []
    for line in lines:
        if TOTAL.match(line) and chunk:
            dumps.append(read_debug1(chunk, interner))
            chunk = []
        chunk.append(line)
    dumps.append(read_debug1(chunk, interner))
    return dumps
