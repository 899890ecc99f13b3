"""Collect goroutines into groups while a reader runs, then freeze them into a Dump.

Memory grows with the number of distinct stacks, not with the number of goroutines:
each group keeps counts, a sample of ids and label sets, and at most PARENT_CAP
distinct parent ids.
"""

from __future__ import annotations

from goleakhelp.dumps.header import HeadState
from goleakhelp.dumps.model import Dump, Frame, GoroutineGroup, Shows, Stack

SAMPLE = 10  # ids and label sets kept per group
PARENT_CAP = 4096  # distinct parent ids counted per group; enough to tell one creator from many


class Interner:
    """Shares Frame objects and Stacks between goroutines with the same code path."""

    def __init__(self) -> None:
        self._frames: dict[tuple, Frame] = {}
        self._stacks: dict[tuple, Stack] = {}

    def frame(self, function: str, file: str, line: int, inlined: bool) -> Frame:
        key = (function, file, line, inlined)
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = Frame(function, file, line, inlined)
        return frame

    def stack(self, frames: list[Frame], created_by: Frame | None, elided: bool, unavailable: bool = False) -> Stack:
        key = (*map(id, frames), id(created_by), elided, unavailable)
        found = self._stacks.get(key)
        if found is None:
            found = self._stacks[key] = Stack(tuple(frames), created_by, elided, unavailable, len(self._stacks))
        return found


class GroupAcc:
    """One group while it is being read. `slots` count goroutines per distinct header."""

    __slots__ = ("created", "ids", "parents", "slots", "stack", "truncated")

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.slots: dict[int, list] = {}  # id(HeadState) -> [HeadState, count]
        self.ids: list[int] = []
        self.parents: set[int] = set()
        self.created: set[bytes] = set()  # raw `created by X in goroutine N` lines (fast reading)
        self.truncated = False

    def slot(self, head: HeadState) -> list:
        found = self.slots.get(id(head))
        if found is None:
            found = self.slots[id(head)] = [head, 0]
        return found


class DumpBuilder:
    def __init__(self, form: str, format: str, shows: Shows) -> None:
        self.form = form
        self.format = format
        self.shows = shows
        self.groups: dict[int, GroupAcc] = {}
        self.header = ""
        self.context = ""
        self.declared_total: int | None = None
        self.truncated = False
        self.notes: list[str] = []
        self.all_leaked = False  # the form lists only goroutines a checker found leaked (goleak)

    def group(self, stack: Stack) -> GroupAcc:
        acc = self.groups.get(stack.key)
        if acc is None:
            acc = self.groups[stack.key] = GroupAcc(stack)
        return acc

    def add(self, stack: Stack, head: HeadState, gid: int | None, parent: int | None, count: int = 1) -> GroupAcc:
        acc = self.group(stack)
        acc.slot(head)[1] += count
        if gid is not None and len(acc.ids) < SAMPLE:
            acc.ids.append(gid)
        if parent is not None and len(acc.parents) < PARENT_CAP:
            acc.parents.add(parent)
        return acc

    @property
    def empty(self) -> bool:
        return not self.groups

    def build(self, excerpt: bool = False, notes: tuple[str, ...] = ()) -> Dump:
        groups = [self._freeze(acc) for acc in self.groups.values()]
        groups.sort(key=lambda g: g.count, reverse=True)
        shows = self.shows
        if excerpt and shows.counts:
            shows = Shows(shows.ids, shows.wait_states, shows.creators, counts=False)
        return Dump(
            form=self.form,
            format=self.format,
            groups=tuple(groups),
            total=sum(g.count for g in groups),
            shows=shows,
            declared_total=self.declared_total,
            header=self.header,
            context=self.context,
            truncated=self.truncated or any(g.truncated for g in groups),
            excerpt=excerpt,
            notes=tuple(self.notes) + notes,
        )

    def _freeze(self, acc: GroupAcc) -> GoroutineGroup:
        states: dict[str, int] = {}
        labels: list[tuple[tuple[str, str], ...]] = []
        count = leaked = durable = locked = 0
        wmin, wmax = 1 << 30, 0
        for head, n in acc.slots.values():
            count += n
            states[head.state] = states.get(head.state, 0) + n
            wmin = min(wmin, head.wait_minutes)
            wmax = max(wmax, head.wait_minutes)
            if head.leaked or self.all_leaked or (self.format == "synctest" and head.durable):
                leaked += n
            if head.durable:
                durable += n
            if head.locked_to_thread:
                locked += n
            if head.labels and head.labels not in labels and len(labels) < SAMPLE:
                labels.append(head.labels)
        parents = set(acc.parents)
        for line in acc.created:
            at = line.rfind(b" in goroutine ")
            if at > 0 and line[at + 14 :].isdigit():
                parents.add(int(line[at + 14 :]))
        parents = sorted(parents)[:PARENT_CAP]
        stack = acc.stack
        return GoroutineGroup(
            frames=stack.frames,
            created_by=stack.created_by,
            count=count,
            states=tuple(sorted(states.items(), key=lambda kv: kv[1], reverse=True)),
            wait_minutes=(wmin if count else 0, wmax),
            leaked=leaked,
            durable=durable,
            locked_to_thread=locked,
            ids=tuple(acc.ids),
            parent_ids=tuple(parents[:SAMPLE]),
            parent_count=len(parents),
            labels=tuple(labels),
            frames_elided=stack.frames_elided,
            stack_unavailable=stack.unavailable,
            truncated=acc.truncated,
        )
