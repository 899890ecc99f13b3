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
        case = enclosing(call, ("communication_case",))
        loop = enclosing(call, ("for_statement",))
        if callee != "time.After" or case is None or loop is None or not _in_communication(call, case):
            continue  # `lease = time.After(d)` in a case's body is a timer the loop goes on to wait for
        if case.parent is not None and case.parent.type == "select_statement" and _others_leave(case, loop, ctx):
            continue  # the timer fires, or the loop ends: at most one is ever left pending
        ctx.report("time-after-loop", call, "`time.After` in a select loop makes a new timer every iteration", confidence, note)


EXITS = re.compile(r"^(panic|os\.Exit|log\.(Fatal|Fatalf|Fatalln|Panic|Panicf)|\w+\.(Fatal|Fatalf|FailNow|Skip|SkipNow|Skipf))$")


def _others_leave(case, loop, ctx: CodeContext) -> bool:
    """Every other case of the select (default included) ends by leaving `loop`: a
    return, a labelled break or goto out of it, or a call that does not come back. Then
    a time.After left pending by another case is the last one the loop makes."""
    labels = set()
    outer = loop.parent
    while outer is not None and outer.type == "labeled_statement":
        label = next((c for c in outer.named_children if c.type == "label_name"), None)
        labels.add(ctx.text(label) if label is not None else "")
        outer = outer.parent
    select = case.parent
    after = select.next_named_sibling
    while after is not None and after.type == "comment":
        after = after.next_named_sibling
    if after is not None and (after.type == "return_statement" or (after.type == "break_statement" and not after.named_children)):
        return True  # whichever case runs, the loop ends right after the select
    stops = None
    for other in select.named_children:
        if other.type not in ("communication_case", "default_case") or other.id == case.id:
            continue
        if other.type == "communication_case":
            if stops is None:
                stops = _leaving_receives(loop, labels, ctx)
            if _received(other, ctx) in stops:
                continue  # a stop channel the loop leaves on elsewhere: closed, it is ready there at once
        body = next((c for c in other.named_children if c.type == "statement_list"), None)
        last = next((c for c in reversed(body.named_children) if c.type != "comment"), None) if body is not None else None
        if last is None or not _leaves(last, labels, ctx):
            return False
    return True


def _received(case, ctx: CodeContext) -> str | None:
    """`stop` of `case <-stop:` (or `case v, ok := <-stop:`), None for a send."""
    comm = case.named_children[0] if case.named_children else None
    if comm is None:
        return None
    if comm.type == "receive_statement":
        comm = comm.child_by_field_name("right")
    if comm is not None and comm.type == "unary_expression" and ctx.text(comm).startswith("<-"):
        return ctx.text(comm.child_by_field_name("operand"))
    return None


def _leaving_receives(loop, labels: set[str], ctx: CodeContext) -> set[str]:
    """Channels that some case in `loop` receives from and then leaves the loop: the
    loop's stop signals (a closed channel is ready at every later receive)."""
    found = set()
    for node in ctx.subtree(loop.child_by_field_name("body")):
        if node.type != "communication_case" or (enclosing(node, ("for_statement",)) or node).id != loop.id:
            continue
        body = next((c for c in node.named_children if c.type == "statement_list"), None)
        last = next((c for c in reversed(body.named_children) if c.type != "comment"), None) if body is not None else None
        channel = _received(node, ctx)
        if channel is not None and last is not None and _leaves(last, labels, ctx):
            found.add(channel)
    return found


def _in_communication(call, case) -> bool:
    """`call` is in the case's `<-ch` part, not in the statements it runs."""
    body = next((c for c in case.named_children if c.type == "statement_list"), None)
    return body is None or call.start_byte < body.start_byte


def _leaves(statement, labels: set[str], ctx: CodeContext) -> bool:
    if statement.type == "return_statement":
        return True
    if statement.type in ("break_statement", "goto_statement"):
        target = next((c for c in statement.named_children if c.type == "label_name"), None)
        return target is not None and (statement.type == "goto_statement" or ctx.text(target) in labels)
    if statement.type == "expression_statement" and statement.named_children and statement.named_children[0].type == "call_expression":
        return bool(EXITS.match(ctx.text(statement.named_children[0].child_by_field_name("function"))))
    return False


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
