"""Walk a function's graph from one point and find the paths that keep something held.

The typestate question every resource detector asks: "acquired here: on every path to
an exit, is it released or handed on?". The walk is generic; what an item does to the
tracked value (`Step`) and which branches a condition allows (`Branch`) come from the
caller. State is a small int the caller defines (for instance "err still holds the
acquiring call's error"), so the walk visits each block at most once per state: linear
in the size of the graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from goleakhelp.code.flow.cfg import Graph

GO, DONE, KILL = "go", "done", "kill"

# What an item does: GO on (with a new state), DONE (released or handed on: this path is
# fine), KILL (the value is overwritten or taken again while still held: this path leaks).
Step = Callable[[object, int], tuple[str, int]]
# The successors a block's condition allows in a state: indices into block.succs.
Branch = Callable[[object, int], tuple[int, ...]]
# At an exit (a return statement, or None for the end of the body): does it leak in this state?
AtExit = Callable[[object, int], bool]



@dataclass(frozen=True)
class Leak:
    kind: str  # "return": a return keeps it; "end": the body ends; "overwrite": assigned or acquired again
    node: object  # the return statement, the overwriting item, or the function (for "end")
    state: int = 0  # the walk's state there


def leaks(graph: Graph, start: tuple[int, int], state: int, step: Step, branch: Branch, at_exit: AtExit | None = None) -> list[Leak]:
    """Every place a path from just after item `start` reaches while the value is held.
    The walk begins after the item at `start` = (block, position)."""
    found: dict[tuple[int, int], Leak] = {}
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int, int]] = deque([(start[0], start[1] + 1, state)])
    blocks = graph.blocks
    while queue:
        index, position, state = queue.popleft()
        block = blocks[index]
        items = block.items
        stopped = False
        last = None
        steps = 1
        for i in range(position, len(items)):
            item = items[i]
            steps += 1
            outcome, state = step(item, state)
            if outcome == DONE:
                stopped = True
                break
            if outcome == KILL:
                found.setdefault((item.start_byte, 0), Leak("overwrite", item, state))
                stopped = True
                break
            last = item
        graph.budget -= steps
        if graph.budget < 0:
            graph.exhausted = True
            break
        if stopped:
            continue
        if index == graph.exit:
            continue  # reached only through the edges below
        successors = block.succs
        if block.cond is not None and len(successors) == 2:
            successors = [successors[k] for k in branch(block.cond, state)]
        for successor in successors:
            if successor == graph.exit:
                node = last if last is not None and last.type == "return_statement" else None
                if at_exit is None or at_exit(node, state):
                    key = (node.start_byte, 1) if node is not None else (graph.func.end_byte, 2)
                    found.setdefault(key, Leak("return" if node is not None else "end", node if node is not None else graph.func, state))
                continue
            if (successor, state) not in seen:
                seen.add((successor, state))
                queue.append((successor, 0, state))
    return [found[k] for k in sorted(found)]


def always(graph: Graph, reached: Callable[[object], bool]) -> bool:
    """Every path from the entry to the exit passes an item for which `reached` is true."""

    def step(item, state):
        return (DONE, state) if reached(item) else (GO, state)

    return not leaks(graph, (0, -1), 0, step, lambda cond, state: (0, 1))
