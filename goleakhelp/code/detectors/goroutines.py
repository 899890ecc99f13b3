"""select {} outside main: a goroutine parked forever."""

from __future__ import annotations

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import enclosing_function, function_name


@detector("select-empty", b'select')
def select_empty(ctx: CodeContext) -> None:
    for node in ctx.with_keyword("select", "select_statement"):
        if any(c.type == "communication_case" or c.type == "default_case" for c in node.named_children):
            continue
        func = enclosing_function(node)
        if func is not None and func.type == "function_declaration" and function_name(func, ctx.text) == "main":
            continue  # blocking main forever is a program's choice
        if _after_go_panic(node, ctx):
            continue  # another goroutine is crashing the program: this one waits for it
        ctx.report("select-empty", node, "`select {}` parks this goroutine forever; nothing can stop it")


def _after_go_panic(node, ctx: CodeContext) -> bool:
    """`go panic(e)` just before: the panic ends the process, which cannot be recovered
    from in a fresh goroutine, so the parked goroutine lives only until the crash."""
    before = node.prev_named_sibling
    while before is not None and before.type == "comment":
        before = before.prev_named_sibling
    if before is None or before.type != "go_statement" or not before.named_children:
        return False
    call = before.named_children[0]
    return call.type == "call_expression" and ctx.text(call.child_by_field_name("function")) == "panic"
