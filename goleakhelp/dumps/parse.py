"""Find the goroutine dumps in a text and parse each with the reader for its form."""

from __future__ import annotations

from dataclasses import dataclass

from goleakhelp.dumps.model import Dump
from goleakhelp.dumps.normalize import clean_lines
from goleakhelp.dumps.readers.debug1 import TOTAL, read_debug1
from goleakhelp.dumps.readers.text import HEADER, read_text
from goleakhelp.dumps.readers.traces import SEPARATOR, read_traces
from goleakhelp.errors import UserError

_GOLEAK = "found unexpected goroutines"


@dataclass(frozen=True)
class ParsedInput:
    dumps: list[Dump]  # every dump found, in input order
    notes: list[str]  # what was cleaned up


def _split_text_dumps(lines: list[str]) -> list[list[str]]:
    """Split where a goroutine id repeats, or a new crash or profile header starts: a second dump."""
    pieces: list[list[str]] = [[]]
    seen: set[str] = set()
    for line in lines:
        m = HEADER.match(line) if line.startswith("goroutine ") else None
        if m:
            gid = m.group(1)
            if gid in seen:
                pieces.append([])
                seen = set()
            seen.add(gid)
        pieces[-1].append(line)
    return [p for p in pieces if any(HEADER.match(x) for x in p if x.startswith("goroutine "))]


def parse_dump_text(text: str, byte_size: int | None = None) -> ParsedInput:
    """Every dump in `text`; raises UserError when there is none."""
    from goleakhelp.dumps.source import RUNTIME_TEXT_CAP

    lines, notes = clean_lines(text)
    dumps: list[Dump] = []
    if any(TOTAL.match(line) for line in lines[:50]) or any(line.startswith("#\t0x") for line in lines[:200]):
        starts = [i for i, line in enumerate(lines) if TOTAL.match(line)] or [0]
        for a, b in zip(starts, starts[1:] + [len(lines)]):
            dumps.append(read_debug1(lines[a:b]))
    elif any(line.startswith(SEPARATOR) for line in lines):
        dumps.append(read_traces(lines))
    else:
        for piece in _split_text_dumps(lines):
            dump = read_text(piece)
            if any(_GOLEAK in line for line in piece[:20]) or any(_GOLEAK in line for line in lines[:5]):
                dump.format = "goleak"
            dumps.append(dump)
    dumps = [d for d in dumps if d.goroutines]
    if not dumps:
        raise UserError("no goroutine dump found in the input (expected lines such as `goroutine 1 [running]:`)")
    if byte_size == RUNTIME_TEXT_CAP and dumps[-1].format == "goroutine-text":
        # runtime/pprof stops writing a debug=2 dump when its buffer reaches exactly 64 MiB.
        dumps[-1].truncated = True
    for d in dumps:
        d.notes.extend(notes)
    return ParsedInput(dumps, notes)
