"""The runtime's traceback text: pprof debug=2, goroutineleak debug=2, panics and fatal errors,
SIGQUIT dumps, `go test -timeout` panics, runtime.Stack(buf, true), goleak failures, and
excerpts of any of these pasted into an issue.

All of these print goroutines the same way (runtime/traceback.go):

    goroutine 19 gp=0xc0 m=nil [chan send (leaked), 5 minutes, locked to thread] {k: v}:
    main.leak.func1(0xc000012345, ...)
    \t/src/main.go:14 +0x1d
    created by main.leak in goroutine 1
    \t/src/main.go:12 +0x85

Two ways in. `feed_line` reads one line at a time and tolerates what pasting does to a
dump: lost indentation, frames condensed onto one line, hard-wrapped lines, redacted ids,
a cut-off last frame. `feed_blocks` reads runtime-written bytes: goroutines of one group
share their text apart from ids, arguments and the parent id, so each distinct block is
read once by `feed_line` and every later copy only adds to its group's counts.
"""

from __future__ import annotations

import re

from goleakhelp.dumps.build import PARENT_CAP, SAMPLE, DumpBuilder, Interner
from goleakhelp.dumps.header import HEADER, HeadState, goroutine_id, parse_state
from goleakhelp.dumps.model import DEADLOCK, FATAL, PANIC, SIGQUIT, TEST_TIMEOUT, Shows

SHOWS = Shows(ids=True, wait_states=True, creators=True, counts=True)
SOURCE_SUFFIXES = (".go", ".c", ".s", ".goc", ".h", ".cgo", ".S", ".cc", ".cpp")
NO_CREATOR = range(PARENT_CAP)  # as full as a parent set gets: nothing is added to it
FIRST_IDS = 4096
HEAD_CAP = 10_000  # distinct header texts (state, minutes, labels) remembered
SLOW_KEYS = 10_000  # block keys remembered as not plain  # ids remembered per dump to see a second dump start (the same ids again)
MAX_LINE = 4096  # longer lines are no frame the runtime writes
MAX_JOINS = 3  # hard-wrapped pieces joined back into one line
WRAP_MIN = 40  # a line cut by hard-wrapping is at least this long

_ELIDED = re.compile(r"^\.\.\.(?:\d{1,9}|additional) frames elided\.\.\.$")
_ORIGIN = re.compile(r"^\[originating from goroutine (\d{1,19})\]:$")
_INSTANCES = re.compile(r"^\s*(\d{1,9}) instances? of:?\s*$")
_CRASH = re.compile(r"^(panic: |fatal error: |SIGQUIT: |SIG[A-Z]{2,8}: |unexpected fault address|runtime: )")
GOLEAK_MARK = "found unexpected goroutines"
SYNCTEST_MARK = "blocked goroutines remain"


def crash_context(line: str) -> str:
    """The context a crash line sets (model.DEADLOCK, ...), or ""."""
    if line.startswith("fatal error: all goroutines are asleep"):
        return DEADLOCK
    if line.startswith("panic: test timed out after"):
        return TEST_TIMEOUT
    if line.startswith("SIGQUIT"):
        return SIGQUIT
    if line.startswith("panic: "):
        return PANIC
    if line.startswith("fatal error: "):
        return FATAL
    return ""


def parse_location(text: str) -> tuple[str, int, bool] | None:
    """`/src/main.go:14 +0x1d` -> (file, line, inlined); inlined frames have no +0x offset.
    Also the `fp=... sp=... pc=...` tail of GOTRACEBACK=system and old runtimes."""
    s = text.strip()
    if not s or len(s) > MAX_LINE:
        return None
    cut = s.find(" fp=")
    if cut > 0:
        s = s[:cut]
    inlined = True
    off = s.rfind(" +0x")
    if off > 0:
        s, inlined = s[:off], False
    colon = s.rfind(":")
    if colon <= 0:
        return None
    number = s[colon + 1 :]
    file = s[:colon].strip()
    if not number.isdigit() or len(number) > 9 or not file.endswith(SOURCE_SUFFIXES):
        return None
    if ") " in file or file.startswith("created by "):
        return None  # a frame condensed onto one line, not a file line
    return file, int(number), inlined


def _function(text: str) -> str | None:
    """`main.(*T).run(0xc0, ...)` -> `main.(*T).run`; None when the line is no call."""
    if not text.endswith(")"):
        return None
    paren = text.rfind("(")
    if paren <= 0:
        return None
    name = text[:paren]
    return None if "\t" in name else name


def _condensed(text: str) -> tuple[str, tuple[str, int, bool]] | None:
    """A frame printed on one line: `main.f(0x1) /src/main.go:14 +0x1d`."""
    parts = text.rsplit(None, 2)
    for n in (2, 1):
        if len(parts) <= n:
            continue
        loc = parse_location(" ".join(parts[-n:]))
        name = _function(" ".join(parts[:-n]))
        if loc is not None and name is not None:
            return name, loc
    return None


class TextReader:
    def __init__(self, interner: Interner | None = None) -> None:
        self.interner = interner or Interner()
        self.builders: list[DumpBuilder] = [DumpBuilder("text", "goroutine-text", SHOWS)]
        self.first_ids: set = set()
        self.heads: dict[str, HeadState] = {}
        self.locations: dict[str, tuple[str, int, bool] | None] = {}
        self.cache: dict[bytes, list] = {}  # a block's file lines -> its group's record, see _first_sight
        self.slow_keys: set[bytes] = set()  # block keys whose first sight was not one plain goroutine
        self.partial = ""
        self.joins = 0
        self.instances = 1
        self.finished = 0  # goroutines ended so far
        self.outside = 0  # lines seen between goroutines so far
        self.last: tuple = ()  # (group, head, id, count) of the goroutine ended last
        self.excerpt = False  # saw something only a paste has: redacted ids, a headless first block
        self._reset()

    def _reset(self) -> None:
        self.in_goroutine = False
        self.gid: int | None = None
        self.head: HeadState | None = None
        self.frames: list = []
        self.created_by = None
        self.parent: int | None = None
        self.elided = False
        self.unavailable = False
        self.pending: str | None = None
        self.creating = False
        self.in_origin = False
        self.count = 1
        self.headless = False

    @property
    def builder(self) -> DumpBuilder:
        return self.builders[-1]

    # --- one line at a time -------------------------------------------------------------

    def _flush_pending(self, loc: tuple[str, int, bool] | None) -> None:
        file, line, inlined = loc if loc is not None else ("", 0, False)
        frame = self.interner.frame(self.pending, file, line, inlined)
        if self.creating:
            self.created_by = frame
        elif not self.in_origin:
            self.frames.append(frame)
        self.pending = None
        self.creating = False

    def finish(self, cut: bool = False) -> None:
        """End the goroutine being read; `cut` when the input stopped inside it."""
        if not self.in_goroutine:
            return
        if self.pending is not None:
            self._flush_pending(None)
        if self.headless and not any(f.file for f in self.frames):
            self._reset()  # a call in prose, not the frames of a cut excerpt
            return
        stack = self.interner.stack(self.frames, self.created_by, self.elided, self.unavailable)
        acc = self.builder.add(stack, self.head, self.gid, self.parent, self.count)
        if cut:
            acc.truncated = True
        self.finished += 1
        self.last = (acc, self.head, self.gid, self.count)
        self._reset()

    def _start(self, gid: int | None, state: str, labels: str | None) -> None:
        self.finish()
        if gid is not None:
            self._check_repeat(gid)
        else:
            self.excerpt = True
        head = self._head(state, labels)
        self.in_goroutine = True
        self.gid = gid
        self.head = head
        self.count = self.instances
        self.instances = 1

    def _head(self, state: str, labels: str | None) -> HeadState:
        """Parsed once per distinct header text. Past HEAD_CAP distinct texts (labels that
        differ per goroutine), labels are dropped so that memory stays with the stacks."""
        key = state if labels is None else f"{state}\x00{labels}"
        head = self.heads.get(key)
        if head is None:
            if len(self.heads) >= HEAD_CAP and labels is not None:
                return self._head(state, None)
            head = self.heads[key] = parse_state(state, labels)
        return head

    def _check_repeat(self, gid: int) -> None:
        """The same goroutine id again: a second dump starts here."""
        gid = str(gid).encode()
        if gid in self.first_ids:
            self.builders.append(DumpBuilder("text", "goroutine-text", SHOWS))
            self.first_ids = set()
            self.cache = {}
        if len(self.first_ids) < FIRST_IDS:
            self.first_ids.add(gid)

    def _header(self, line: str):
        m = HEADER.search(line, 0, 400)
        if m is None or m.start() > 200 or line[m.end() :].strip(" \t*_") != "":
            return None
        return m

    def feed_line(self, line: str) -> None:
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]
        if self.partial:
            joined = self.partial + line.lstrip(" \t")
            self.partial = ""
            if self._classify(joined, probe=True):
                return
            if self.joins < MAX_JOINS and len(line) >= WRAP_MIN and self._unfinished(joined):
                self.partial, self.joins = joined, self.joins + 1
                return
        self.joins = 0
        self._classify(line, probe=False)

    def _unfinished(self, text: str) -> bool:
        s = text.strip()
        if s.startswith("goroutine ") and "[" in s:
            return self._header(s) is None
        if self.in_goroutine and ("(" in s and not s.endswith(")")):
            return True
        return self.in_goroutine and s.startswith("/") and parse_location(s) is None

    def _classify(self, line: str, probe: bool) -> bool:
        """Act on one line. With `probe`, do nothing and answer False when it is not recognised."""
        s = line.strip()
        if not s:
            if probe:
                return False
            self.finish()
            return True
        if s.startswith("goroutine ") or "goroutine " in s[:200]:
            m = self._header(s)
            if m is not None:
                self._start(goroutine_id(m.group("id")), m.group("state"), m.group("labels"))
                return True
        if not self.in_goroutine:
            if probe:
                return False
            if len(s) >= WRAP_MIN and self._unfinished(s):
                self.partial = line
                return True
            self._outside(s)
            return True
        loc = self.locations.get(s, False)
        if loc is False:
            loc = parse_location(s)
            if len(self.locations) < 100_000:  # file lines repeat across a group; hostile text must not grow this
                self.locations[s] = loc
        if loc is not None:
            if self.pending is not None:
                self._flush_pending(loc)
            return True
        if self.pending is not None:
            if not probe and len(s) >= WRAP_MIN and self._unfinished(s):
                self.partial = line
                return True
            self._flush_pending(None)  # a function line without its file line
        if s.startswith("created by "):
            rest = s[11:]
            loc = None
            parts = rest.rsplit(None, 2)
            for n in (2, 1):  # condensed onto one line with its file
                if len(parts) > n and (loc := parse_location(" ".join(parts[-n:]))) is not None:
                    rest = " ".join(parts[:-n])
                    break
            at = rest.rfind(" in goroutine ")
            if at >= 0 and " " not in rest[at + 14 :]:
                self.parent = goroutine_id(rest[at + 14 :])  # None when redacted
                rest = rest[:at]
            self.pending = rest.strip()
            self.creating = True
            if loc is not None:
                self._flush_pending(loc)
            return True
        name = _function(s)
        if name is not None:
            self.pending = name
            return True
        if (one := _condensed(s)) is not None:
            self.pending = one[0]
            self._flush_pending(one[1])
            return True
        if _ELIDED.match(s):
            self.elided = True
            return True
        if _ORIGIN.match(s):
            self.in_origin = True
            return True
        if "stack unavailable" in s:
            self.unavailable = True
            return True
        if probe:
            return False
        if len(s) >= WRAP_MIN and self._unfinished(s):
            self.partial = line
            return True
        # Anything else (a log line, goleak's closing "]", a register dump) ends the goroutine.
        self.finish()
        self._outside(s)
        return True

    def _outside(self, s: str) -> None:
        """A line between goroutines: crash headers, checkers' own words, counts."""
        b = self.builder
        self.outside += 1
        if m := _INSTANCES.match(s):
            self.instances = int(m.group(1))
            return
        if GOLEAK_MARK in s:
            b.format, b.all_leaked = "goleak", True
            return
        if _CRASH.match(s) and b.empty:
            if not b.header:
                b.header = s
                b.context = crash_context(s)
            if SYNCTEST_MARK in s:
                b.format = "synctest"
            return
        if s.startswith("Goroutine ") and " in state " in s:
            return  # goleak's own line before each stack
        name = _function(s)
        if name is not None and "." in name and " " not in name:
            # Frames with no goroutine header above them: the first block of a cut excerpt.
            self._start(None, "", None)
            self.headless = True
            self.pending = name


    # --- whole blocks of runtime-written bytes -----------------------------------------

    def feed_blocks(self, chunk: bytes) -> None:
        """`chunk` holds whole blocks separated by blank lines, with \\n line ends.

        A runtime-written block is a header, then a function line and a file line per frame.
        The file lines (`\\t/src/main.go:14 +0x1d`: file, line and offset, so the code
        address) are the same for every goroutine of a group, while the function lines
        carry argument values and the `created by` line the parent's id; so the file lines
        are the group's key and the rest is read only on a block's first sight."""
        cache = self.cache
        first_ids = self.first_ids
        for block in (chunk[:-1] if chunk.endswith(b"\n") else chunk).split(b"\n\n"):
            lines = block.split(b"\n")
            rec = cache.get(b"\n".join(lines[2::2]))
            header = lines[0]
            if rec is None or len(lines) != rec[2] or header[:10] != b"goroutine ":
                self._slow_or_first_sight(block, lines)
                cache, first_ids = self.cache, self.first_ids  # it may have started another dump
                continue
            sp = header.find(b" ", 10)
            gid = header[10:sp]
            if gid in first_ids or not gid.isdigit():
                self._slow_block(block)  # the same id again (a second dump starts), or a redacted one
                cache, first_ids = self.cache, self.first_ids
                continue
            if len(first_ids) < FIRST_IDS:
                first_ids.add(gid)
            slot = rec[1].get(header[sp:])
            if slot is None:
                slot = self._head_slot(rec, header[sp:])
                if slot is None:
                    self._slow_block(block)
                    continue
            slot[1] += 1
            ids = rec[3]
            if len(ids) < SAMPLE:
                ids.append(int(gid))
            created = rec[4]
            if len(created) < PARENT_CAP:
                created.add(lines[-2])
        self.finish()

    def _slow_or_first_sight(self, block: bytes, lines: list[bytes]) -> None:
        header = lines[0]
        sp = header.find(b" ", 10)
        key = b"\n".join(lines[2::2])
        if (
            len(lines) >= 3
            and header[:10] == b"goroutine "
            and sp > 0
            and header[10:sp].isdigit()
            and key not in self.cache
            and key not in self.slow_keys
        ):
            self._first_sight(block, key, len(lines))
        else:
            self._slow_block(block)

    def _head_slot(self, rec: list, rest: bytes):
        """The count slot for a header's text after the id (` [chan send, 5 minutes]:`)."""
        m = self._header("goroutine 0" + rest.decode("utf-8", "replace"))
        if m is None:
            return None
        head = self._head(m.group("state"), m.group("labels"))
        slot = rec[0].slot(head)
        if len(rec[1]) < HEAD_CAP:
            rec[1][rest] = slot
        return slot

    def _slow_block(self, block: bytes) -> None:
        for line in block.decode("utf-8", "replace").split("\n"):
            self.feed_line(line)
        self.feed_line("")

    def _first_sight(self, block: bytes, key: bytes, nlines: int) -> None:
        """Read a block line by line; remember it when it was one plain goroutine whose
        every second line was a file line (so that `key` is what its group shares)."""
        builder, finished, outside = self.builder, self.finished, self.outside
        self._slow_block(block)
        if self.builder is not builder:
            return  # it started another dump; its next copy is looked at afresh
        if not (
            self.finished == finished + 1
            and self.outside == outside
            and not self.partial
            and self.last[2] is not None
            and self.last[3] == 1
            and self._every_other_line_a_location(key, nlines)
        ):
            if len(self.slow_keys) < SLOW_KEYS:
                self.slow_keys.add(key)  # read this text line by line from now on
            return
        acc, head = self.last[0], self.last[1]
        header = block[: block.find(b"\n")]
        rest = header[header.find(b" ", 10) :]
        # [group, {header after the id: count slot}, lines per block, the group's id sample,
        #  the group's `created by` lines (their parent ids are read when the dump is built)]
        has_creator = block.split(b"\n")[-2].startswith(b"created by ")
        self.cache[key] = [acc, {rest: acc.slot(head)}, nlines, acc.ids, acc.created if has_creator else NO_CREATOR]

    def _every_other_line_a_location(self, key: bytes, nlines: int) -> bool:
        files = key.decode("utf-8", "replace").split("\n")
        return len(files) == (nlines - 1) // 2 and nlines % 2 == 1 and all(parse_location(f) is not None for f in files)

    def end(self) -> None:
        if self.partial:
            self._classify(self.partial, probe=False)
            self.partial = ""
        cut = self.in_goroutine and (self.pending is not None or not self.frames)
        self.finish(cut=cut)
