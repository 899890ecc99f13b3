"""Plain values for a read goroutine dump: frames, groups of goroutines with one stack, the dump."""

from __future__ import annotations

import re
from dataclasses import dataclass

from goleakhelp.gostd import is_std_package


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


def is_runtime(frame: Frame) -> bool:
    return frame.package in ("runtime", "internal/runtime") or frame.function.startswith(("runtime.", "internal/runtime/"))


def is_user_code(frame: Frame) -> bool:
    """Not the standard library and not a dependency from the module cache (`pkg@v1.2.3/...`)."""
    if "@v" in frame.file:
        return False
    return not is_std_package(frame.package)


# Packages of the primitives a goroutine waits in (channels, locks, sleeps): a goroutine
# whose frames above its first user frame are all in these is blocked in the user's code.
PRIMITIVE_PACKAGES = ("runtime", "sync", "time")


def is_primitive(frame: Frame) -> bool:
    package = frame.package
    return package in PRIMITIVE_PACKAGES or package.startswith(("internal/", "runtime/internal/"))


@dataclass(frozen=True)
class UserCode:
    """Which frames are the program's own: not the standard library, not the module cache,
    and not a library the KB names (`dump.library_frames`)."""

    libraries: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rx", re.compile("|".join(f"(?:{p})" for p in self.libraries)) if self.libraries else None)

    def __call__(self, frame: Frame) -> bool:
        return is_user_code(frame) and (self._rx is None or self._rx.search(frame.function) is None)

    def frame(self, frames: tuple[Frame, ...]) -> Frame | None:
        """The innermost frame of the program's own code."""
        return next((f for f in frames if self(f)), None)

    def blocked_in(self, frames: tuple[Frame, ...]) -> bool:
        """The innermost frames are the program's own, or primitives it called directly."""
        for frame in frames:
            if self(frame):
                return True
            if not is_primitive(frame):
                return False
        return False


@dataclass(frozen=True, slots=True)
class Stack:
    """One code path: what goroutines of one group share, read once per distinct stack."""

    frames: tuple[Frame, ...]  # innermost first
    created_by: Frame | None
    frames_elided: bool
    unavailable: bool  # "goroutine running on other thread; stack unavailable"
    key: int  # small and unique per distinct stack within one read


@dataclass(frozen=True)
class GoroutineGroup:
    frames: tuple[Frame, ...]  # innermost first
    created_by: Frame | None
    count: int
    states: tuple[tuple[str, int], ...]  # most common first; "" when the dump has no states
    wait_minutes: tuple[int, int]  # (min, max)
    leaked: int
    durable: int
    locked_to_thread: int
    ids: tuple[int, ...]  # a sample
    parent_ids: tuple[int, ...]  # distinct creators' goroutine ids, a sample
    parent_count: int  # how many distinct parent goroutines (counted up to PARENT_CAP)
    labels: tuple[tuple[tuple[str, str], ...], ...]  # distinct label sets, a sample
    frames_elided: bool
    stack_unavailable: bool = False
    truncated: bool = False  # the dump ended inside this group's last goroutine

    @property
    def state(self) -> str:
        return self.states[0][0] if self.states else ""

    @property
    def user_frame(self) -> Frame | None:
        """The innermost frame in the program's own code."""
        return next((f for f in self.frames if is_user_code(f)), None)

    @property
    def top_frame(self) -> Frame | None:
        """The innermost frame outside the runtime (runtime frames are hidden by default anyway)."""
        return next((f for f in self.frames if not is_runtime(f)), self.frames[0] if self.frames else None)


@dataclass(frozen=True)
class Shows:
    """What a dump form can show; what it cannot show is no evidence either way."""

    ids: bool
    wait_states: bool
    creators: bool
    counts: bool  # whether the groups are the whole process (an excerpt shows only some)


# Crash and hang contexts, from the lines the runtime prints before the goroutines.
DEADLOCK = "deadlock"  # fatal error: all goroutines are asleep - deadlock!
TEST_TIMEOUT = "test-timeout"  # panic: test timed out after ...
SIGQUIT = "sigquit"  # SIGQUIT: quit (kill -QUIT of a hung process)
PANIC = "panic"
FATAL = "fatal"


@dataclass(frozen=True)
class Dump:
    """One dump, read completely; never changed after it is built."""

    form: str  # the registered form that read it (goleakhelp.dumps.forms)
    format: str  # "goroutine-text", "goleak", "synctest", "pprof-debug1", "pprof-leak-debug1", ...
    groups: tuple[GoroutineGroup, ...]  # largest first
    total: int
    shows: Shows
    declared_total: int | None = None  # "goroutine profile: total N"
    header: str = ""  # "panic: ...", "fatal error: ...", "SIGQUIT: quit", "test timed out ..."
    context: str = ""  # DEADLOCK, TEST_TIMEOUT, SIGQUIT, PANIC, FATAL or ""
    truncated: bool = False  # cut short: at the runtime's 64 MiB, or mid-goroutine in a paste
    excerpt: bool = False  # a few goroutines pasted from a larger dump: counts say nothing
    notes: tuple[str, ...] = ()  # what the reader had to work around
