"""sql.Open on every call instead of one long-lived *sql.DB."""

from __future__ import annotations

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import enclosing_function, function_name, runs_once



@detector("sql-open-per-call", b'sql.Open')
def sql_open_per_call(ctx: CodeContext) -> None:
    for call, callee in ctx.calls_named("Open"):
        if callee != "sql.Open":
            continue
        func = enclosing_function(call)
        if func is None or runs_once(func, ctx.text, ctx.source.name):
            continue
        name = function_name(func, ctx.text)
        if name.lower().startswith(("new", "open", "connect", "setup", "init")):
            continue  # a constructor the program calls once
        closed = any(c.endswith(".Close") for _, c in ctx.calls_named("Close", within=func))
        if not closed:
            ctx.report("sql-open-per-call", call, f"`sql.Open` in {name or 'a function literal'} opens a new pool on every call", "medium")
