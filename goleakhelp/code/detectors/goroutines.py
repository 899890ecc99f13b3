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
        ctx.report("select-empty", node, "`select {}` parks this goroutine forever; nothing can stop it")
