"""defer inside a loop: the deferred calls run when the function returns, not per iteration."""

from __future__ import annotations

from goleakhelp.code.context import CodeContext
from goleakhelp.code.syntax import enclosing


def defer_in_loop(ctx: CodeContext) -> None:
    for node in ctx.nodes:
        if node.type != "defer_statement":
            continue
        # A defer inside a function literal called per iteration runs per iteration: fine.
        loop = enclosing(node, ("for_statement",))
        if loop is None:
            continue
        call = node.named_children[0] if node.named_children else node
        ctx.report("defer-in-loop", node, f"`defer {ctx.text(call)}` inside a loop runs only when the function returns")
