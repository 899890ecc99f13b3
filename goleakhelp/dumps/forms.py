"""Every form a goroutine dump comes in, registered once: how to recognise it, how to read
it, and what it can show (ids, wait states, creators). `goleakhelp dump` and `explain`
both go through this registry; a new form (a protobuf goroutine profile, say) is one
more `DumpForm` in FORMS and a reader, nothing else: `recognise` sees the input's first
bytes (binary included, gzip already undone) and `read` gets the whole input as chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from goleakhelp.dumps.header import HEADER_PATTERN
from goleakhelp.dumps.model import Dump, Shows
from goleakhelp.dumps.normalize import Cleaner
from goleakhelp.dumps.readers import debug1, protobuf, text, traces
from goleakhelp.dumps.source import DumpSource

_HEADER = re.compile(HEADER_PATTERN)
_TOTAL = re.compile(r"(?m)^.{0,200}?goroutine(?:leak)? profile: total \d{1,12}\s*$")
_DEBUG1_FRAME = re.compile(r"(?m)^#\t0x[0-9a-f]{1,16}\t\S")
# A frame as the runtime writes it, a call line then its file line (tabs may have become spaces).
_FRAME_PAIR = re.compile(r"(?m)^[^\S\n]{0,40}[\w./\-*()\[\]·]{1,300}\.[\w*()\[\]·.]{1,300}\([^()\n]{0,2000}\)[^\S\n]*\n[^\S\n]{0,40}(?:#011)?\S{1,1000}\.(?:go|c|s|goc):\d{1,9}\b")
_FILE_LINE = re.compile(r"(?m)^.{0,200}?(?:\t|#011| {2,}|\) |^)\S{1,1000}\.(?:go|c|s|goc):\d{1,9}(?: \+0x[0-9a-f]{1,16})?\s*$")
_TRACES = re.compile(r"(?m)^-{11}\+-{20,80}\s*$")


@dataclass(frozen=True)
class DumpForm:
    name: str
    description: str  # the i18n label key `explain` says it detected
    shows: Shows
    recognise: Callable[[bytes], bool]  # on the first 64 KiB of the input
    read: Callable[[DumpSource], list[Dump]]  # every dump in the input


def _text(head: bytes) -> str:
    return head.decode("utf-8", "replace")


def _is_debug1(head: bytes) -> bool:
    head = _text(head)
    return _TOTAL.search(head[:8192]) is not None or _DEBUG1_FRAME.search(head) is not None


def _is_traces(head: bytes) -> bool:
    head = _text(head)
    return _TRACES.search(head) is not None and "runtime." in head


def _is_text(head: bytes) -> bool:
    head = _text(head)
    m = _HEADER.search(head)
    if m is not None and _FILE_LINE.search(head, m.end(), m.end() + 4096):
        return True
    return _FRAME_PAIR.search(head) is not None


def _decoded(source: DumpSource):
    for chunk in source.chunks():
        yield chunk.decode("utf-8", "replace")


def _line_dumps(source: DumpSource, reader) -> list[Dump]:
    cleaner = Cleaner(_text(source.head))
    for line in cleaner.lines(_decoded(source)):
        reader.feed_line(line)
    reader.end()
    return [b.build(notes=cleaner.notes) for b in reader.builders if not b.empty]


def _read_debug1(source: DumpSource) -> list[Dump]:
    return _line_dumps(source, debug1.Debug1Reader())


def _read_traces(source: DumpSource) -> list[Dump]:
    return _line_dumps(source, traces.TracesReader())


def _blocks(source: DumpSource):
    """(bytes, last): whole blocks cut after a blank line, CRLF made LF; a run with no blank
    line for many megabytes is cut after a line end instead."""
    rest = b""
    for chunk in source.chunks():
        data = rest + chunk if rest else chunk
        if b"\r\n" in data:
            data = data.replace(b"\r\n", b"\n")
        cut = data.rfind(b"\n\n")
        if cut < 0:
            if len(data) <= 4 * len(chunk):
                rest = data
                continue
            # Megabytes without a blank line (or without any line end): read them line by
            # line rather than hold them; a line cut here is cut, as hostile text deserves.
            cut = data.rfind(b"\n")
            if cut < 0:
                cut = len(data) - 1
            yield data[: cut + 1], True
            rest = data[cut + 1 :]
            continue
        yield data[: cut + 1], False
        rest = data[cut + 2 :]
    if rest:
        yield rest, True


def _read_text(source: DumpSource) -> list[Dump]:
    reader = text.TextReader()
    cleaner = Cleaner(_text(source.head))
    if cleaner.plain:
        # Runtime-written text: each distinct block is read once (see TextReader.feed_blocks).
        for data, last in _blocks(source):
            if last:  # not cut at a blank line: read it line by line
                lines = data.decode("utf-8", "replace").split("\n")
                if lines[-1] == "":
                    lines.pop()  # the input's final line end, not a blank line
                for line in lines:
                    reader.feed_line(line)
            else:
                reader.feed_blocks(data)
    else:
        for line in cleaner.lines(_decoded(source)):
            reader.feed_line(line)
    reader.end()
    return [b.build(excerpt=reader.excerpt or _looks_excerpted(b), notes=cleaner.notes) for b in reader.builders if not b.empty]


def _looks_excerpted(builder) -> bool:
    """A whole dump names the crash that wrote it, or holds both the goroutine that wrote
    it ([running]) and the main goroutine (main.main, also under `go test`); a checker's
    list (goleak, synctest) is whole by definition."""
    if builder.header or builder.format != "goroutine-text":
        return False
    accs = builder.groups.values()
    running = any(head.state == "running" for acc in accs for head, _ in acc.slots.values())
    main = any(frame.function == "main.main" for acc in accs for frame in acc.stack.frames)
    return not (running and main)


FORMS: tuple[DumpForm, ...] = (
    DumpForm("protobuf", "what_protobuf_goroutines", protobuf.SHOWS, protobuf.looks_like_profile, protobuf.read_protobuf),
    DumpForm("debug1", "what_debug1", debug1.SHOWS, _is_debug1, _read_debug1),
    DumpForm("traces", "what_traces", traces.SHOWS, _is_traces, _read_traces),
    DumpForm("text", "what_dump", text.SHOWS, _is_text, _read_text),
)


def recognise(head: bytes) -> DumpForm | None:
    """The first registered form that recognises this start of an input (its first 64 KiB)."""
    return next((form for form in FORMS if form.recognise(head)), None)

