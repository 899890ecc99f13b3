"""Plain values for a parsed goroutine dump."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Frame:
    function: str  # as printed: "net/http.(*persistConn).readLoop", "main.worker.func1"
    file: str  # "" when the dump does not say
    line: int  # 0 when the dump does not say
    inlined: bool = False

    @property
    def package(self) -> str:
        """The import path part of the function name ("net/http", "main")."""
        slash = self.function.rfind("/")
        dot = self.function.find(".", slash + 1)
        return self.function[:dot] if dot > 0 else self.function

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.file else ""


@dataclass(frozen=True, slots=True)
class Goroutine:
    id: int | None  # None in forms that carry no ids (pprof debug=1, -traces)
    state: str  # wait reason or status, without the (leaked)/(scan)/(durable) marks; "" when unknown
    frames: tuple[Frame, ...]  # innermost first
    created_by: Frame | None = None
    parent_id: int | None = None  # "created by X in goroutine N"
    wait_minutes: int = 0
    leaked: bool = False
    durable: bool = False
    locked_to_thread: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    frames_elided: bool = False
    stack_unavailable: bool = False
    count: int = 1  # debug=1 and -traces records stand for several goroutines
    stack_key: int = -1  # equal for goroutines with the same frames and creator (see StackInterner)


class StackInterner:
    """Shares Frame objects and frame tuples between goroutines with the same stack.

    A dump of a leak repeats one stack thousands of times; sharing keeps memory flat
    and gives each distinct stack a small integer key for grouping.
    """

    def __init__(self) -> None:
        self._frames: dict[tuple, Frame] = {}
        self._stacks: dict[tuple, tuple[tuple[Frame, ...], int]] = {}

    def frame(self, function: str, file: str, line: int, inlined: bool) -> Frame:
        key = (function, file, line, inlined)
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = Frame(function, file, line, inlined)
        return frame

    def stack(self, frames: list[Frame], created_by: Frame | None, elided: bool) -> tuple[tuple[Frame, ...], int]:
        """The shared tuple of `frames` and the key of (frames, creator, elided)."""
        key = (*map(id, frames), id(created_by), elided)
        found = self._stacks.get(key)
        if found is None:
            found = self._stacks[key] = (tuple(frames), len(self._stacks))
        return found


@dataclass
class Dump:
    """What one reader got out of one input."""

    format: str  # "goroutine-text", "pprof-debug1", "pprof-traces", ...
    goroutines: list[Goroutine] = field(default_factory=list)
    declared_total: int | None = None  # "goroutine profile: total N"
    header: str = ""  # "panic: ...", "fatal error: ...", "SIGQUIT: quit", "test timed out ..."
    truncated: bool = False  # a debug=2 write the runtime stopped at 64 MiB
    notes: list[str] = field(default_factory=list)  # what the reader had to work around

    @property
    def total(self) -> int:
        return sum(g.count for g in self.goroutines)
