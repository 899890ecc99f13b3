"""Find the goroutine dumps in an input and read each with the registered reader for its form."""

from __future__ import annotations

from dataclasses import dataclass, replace

from goleakhelp.dumps.forms import recognise
from goleakhelp.dumps.model import Dump
from goleakhelp.dumps.source import RUNTIME_TEXT_CAP, DumpSource, RawInput, decode, looks_binary
from goleakhelp.errors import UserError

NOT_A_DUMP = "no goroutine dump found in the input (expected lines such as `goroutine 1 [running]:`)"


@dataclass(frozen=True)
class ParsedInput:
    dumps: tuple[Dump, ...]  # every dump found, in input order
    form: str


def parse_dump(source: DumpSource | str) -> ParsedInput:
    """Every dump in `source`; raises UserError when there is none."""
    if isinstance(source, str):
        source = DumpSource.from_text(source)
    form = recognise(source.head)
    if form is None:
        if looks_binary(source.head):
            decode(RawInput(source.head, source.origin, source.compressed))  # says what the bytes are
        raise UserError(NOT_A_DUMP)
    dumps = form.read(source)
    if not dumps:
        raise UserError(NOT_A_DUMP)
    last = dumps[-1]
    if source.size == RUNTIME_TEXT_CAP and last.format == "goroutine-text" and not last.truncated:
        # runtime/pprof stops writing a debug=2 dump when its buffer reaches exactly 64 MiB.
        dumps[-1] = replace(last, truncated=True, notes=last.notes + (CAP_NOTE,))
    return ParsedInput(tuple(dumps), form.name)


CAP_NOTE = (
    "the dump stops at exactly 64 MiB: runtime/pprof cut it there; get every goroutine with ?debug=1 "
    "(grouped counts) or the protobuf profile (?debug=0 with `go tool pprof -traces`)"
)
