"""time.After in a loop, tickers never stopped (both only before Go 1.23), sleep-polling."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assignment_of, enclosing, enclosing_function


@detector("time-after-loop", b'time.After(')
def time_after_loop(ctx: CodeContext) -> None:
    report, confidence, note = ctx.version_gate(1, 23)
    if not report:
        return
    for call, callee in ctx.calls_named("After"):
        if callee == "time.After" and enclosing(call, ("communication_case",)) and enclosing(call, ("for_statement",)):
            ctx.report("time-after-loop", call, "`time.After` in a select loop makes a new timer every iteration", confidence, note)


@detector("ticker-unstopped", b'time.NewTicker', b'time.Tick(')
def ticker_unstopped(ctx: CodeContext) -> None:
    report, confidence, note = ctx.version_gate(1, 23)
    if not report:
        return
    for call, callee in ctx.calls_named("Tick", "NewTicker"):
        if callee == "time.Tick":
            ctx.report("ticker-unstopped", call, "`time.Tick` creates a ticker that can never be stopped", confidence, note)
            continue
        assignment = assignment_of(call, ctx.text) if callee == "time.NewTicker" else None
        func = enclosing_function(call)
        if assignment is None or not assignment[1] or func is None:
            continue
        names = assignment[1]
        name = names[0]
        stopped = any(c == f"{name}.Stop" for _, c in ctx.calls_named("Stop", within=func))
        alone = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w.])")
        escapes = any(n.type in ("return_statement", "keyed_element", "argument_list") and alone.search(ctx.text(n)) for n in ctx.subtree(func))
        if not stopped and not escapes:
            ctx.report("ticker-unstopped", call, f"ticker `{name}` is never stopped", confidence, note)


@detector("sleep-poll", b'time.Sleep')
def sleep_poll(ctx: CodeContext) -> None:
    for call, callee in ctx.calls_named("Sleep"):
        if callee != "time.Sleep":
            continue
        default = enclosing(call, ("default_case",))
        if default is not None and default.parent is not None and default.parent.type == "select_statement" and enclosing(call, ("for_statement",)):
            ctx.report("sleep-poll", call, "`time.Sleep` in a select's default case: cancellation waits for the whole sleep")
