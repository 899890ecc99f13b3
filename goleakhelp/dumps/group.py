"""Group goroutines that run the same code path.

Two goroutines are in one group when they have the same frames (function, file and
line, innermost first) and the same creator; argument values, ids and states do not
matter. Each group keeps what a person weighs: how many, in which states, for how
long, how many the runtime marked leaked, who created them, with which labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from goleakhelp.dumps.model import Frame, Goroutine
from goleakhelp.gostd import is_std_package

SAMPLE = 10  # ids, parents and label sets kept per group


def is_runtime(frame: Frame) -> bool:
    return frame.package in ("runtime", "internal/runtime") or frame.function.startswith(("runtime.", "internal/runtime/"))


def is_user_code(frame: Frame) -> bool:
    """Not the standard library and not a dependency from the module cache (`pkg@v1.2.3/...`)."""
    if "@v" in frame.file:
        return False
    return not is_std_package(frame.package)


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
    parent_count: int  # how many distinct parent goroutines
    labels: tuple[tuple[tuple[str, str], ...], ...]  # distinct label sets, a sample
    frames_elided: bool

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


class _Acc:
    __slots__ = ("first", "count", "states", "wmin", "wmax", "leaked", "durable", "locked", "ids", "parents", "labels")

    def __init__(self, first: Goroutine) -> None:
        self.first = first
        self.count = 0
        self.states: Counter[str] = Counter()
        self.wmin = 1 << 30
        self.wmax = 0
        self.leaked = self.durable = self.locked = 0
        self.ids: list[int] = []
        self.parents: set[int] = set()
        self.labels: list[tuple[tuple[str, str], ...]] = []


def group_goroutines(goroutines: list[Goroutine]) -> list[GoroutineGroup]:
    """Groups, largest first."""
    accs: dict[int, _Acc] = {}
    for g in goroutines:
        key = g.stack_key  # same frames, creator and elision (set by the readers' StackInterner)
        acc = accs.get(key)
        if acc is None:
            acc = accs[key] = _Acc(g)
        n = g.count
        acc.count += n
        acc.states[g.state] += n
        if g.wait_minutes < acc.wmin:
            acc.wmin = g.wait_minutes
        if g.wait_minutes > acc.wmax:
            acc.wmax = g.wait_minutes
        if g.leaked:
            acc.leaked += n
        if g.durable:
            acc.durable += n
        if g.locked_to_thread:
            acc.locked += n
        if g.id is not None and len(acc.ids) < SAMPLE:
            acc.ids.append(g.id)
        if g.parent_id is not None:
            acc.parents.add(g.parent_id)
        if g.labels and g.labels not in acc.labels and len(acc.labels) < SAMPLE:
            acc.labels.append(g.labels)
    groups = [
        GoroutineGroup(
            frames=a.first.frames,
            created_by=a.first.created_by,
            count=a.count,
            states=tuple(a.states.most_common()),
            wait_minutes=(a.wmin if a.count else 0, a.wmax),
            leaked=a.leaked,
            durable=a.durable,
            locked_to_thread=a.locked,
            ids=tuple(a.ids),
            parent_ids=tuple(sorted(a.parents)[:SAMPLE]),
            parent_count=len(a.parents),
            labels=tuple(a.labels),
            frames_elided=a.first.frames_elided,
        )
        for a in accs.values()
    ]
    groups.sort(key=lambda g: g.count, reverse=True)
    return groups
