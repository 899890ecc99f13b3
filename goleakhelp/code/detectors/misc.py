"""Smaller detectors: contexts rewrapped in loops, loop variables captured before Go 1.22,
WaitGroups passed by value, AfterFunc timers dropped, commands started and never waited
for, HTTP servers without timeouts, connections read without a deadline."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assigned_names, assignment_of, calls, enclosing, enclosing_function, walk

DERIVE = re.compile(r"^context\.With(Value|Cancel|Timeout|Deadline)\w*$")


@detector("fat-context", b'context.With')
def fat_context(ctx: CodeContext) -> None:
    for node in ctx.nodes:
        if node.type != "assignment_statement":
            continue
        right = node.child_by_field_name("right")
        call = right.named_children[0] if right is not None and right.named_children else None
        if call is None or call.type != "call_expression" or not DERIVE.match(ctx.text(call.child_by_field_name("function"))):
            continue
        names = assigned_names(node, ctx.text)
        args = call.child_by_field_name("arguments")
        parent_arg = ctx.text(args.named_children[0]) if args is not None and args.named_children else ""
        if names and names[0] == parent_arg and enclosing(node, ("for_statement",)) is not None:
            ctx.report("fat-context", node, f"`{names[0]}` is rewrapped on every iteration, so the context chain grows without bound")


@detector("loopvar-capture", b'func(')
def loopvar_capture(ctx: CodeContext) -> None:
    report, confidence, note = ctx.version_gate(1, 22)
    if not report:
        return
    for loop in ctx.nodes:
        if loop.type != "for_statement":
            continue
        clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
        left = clause.child_by_field_name("left") if clause is not None else None
        if left is None:
            continue
        loop_vars = {ctx.text(n) for n in left.named_children if ctx.text(n) != "_"}
        for node in walk(loop.child_by_field_name("body")):
            if node.type not in ("go_statement", "defer_statement"):
                continue
            literal = next((c for c in walk(node) if c.type == "func_literal"), None)
            if literal is None:
                continue
            params = {ctx.text(p) for d in walk(literal.child_by_field_name("parameters")) if d.type == "parameter_declaration" for p in d.children_by_field_name("name")}
            used = {ctx.text(n) for n in walk(literal.child_by_field_name("body")) if n.type == "identifier"} & (loop_vars - params)
            if used:
                ctx.report("loopvar-capture", node, f"the closure captures loop variable {', '.join(sorted(used))}, shared by all iterations", confidence, note)


@detector("wg-copied", b'sync.WaitGroup')
def wg_copied(ctx: CodeContext) -> None:
    for node in ctx.nodes:
        if node.type == "parameter_declaration" and ctx.text(node.child_by_field_name("type")) == "sync.WaitGroup":
            ctx.report("wg-copied", node, "a sync.WaitGroup passed by value: Done and Wait act on a copy")


@detector("afterfunc-long", b'time.AfterFunc')
def afterfunc_long(ctx: CodeContext) -> None:
    for call, callee in ctx.calls:
        if callee != "time.AfterFunc" or call.parent is None or call.parent.type != "expression_statement":
            continue
        args = call.child_by_field_name("arguments")
        delay = ctx.text(args.named_children[0]) if args is not None and args.named_children else ""
        # A short delay frees the closure soon anyway; minutes or hours keep it alive long.
        if re.search(r"\btime\.(Hour|Minute)\b", delay):
            confidence = "high"
        elif re.search(r"\btime\.(Second|Millisecond|Microsecond|Nanosecond)\b", delay) or re.fullmatch(r"\d+", delay):
            continue
        else:
            confidence = "low"
        ctx.report("afterfunc-long", call, f"the *Timer from time.AfterFunc({delay}, ...) is dropped, so it can never be stopped early", confidence)


@detector("exec-no-wait", b'.Start()')
def exec_no_wait(ctx: CodeContext) -> None:
    for call, callee in ctx.calls:
        if not callee.endswith(".Start"):
            continue
        cmd = callee[: -len(".Start")]
        func = enclosing_function(call)
        if func is None or "." in cmd:
            continue
        if not re.search(rf"\b{re.escape(cmd)}\s*:?=\s*exec\.Command", ctx.text(func)):
            continue
        func_calls = list(calls(walk(func), ctx.text))
        waited = any(c in (f"{cmd}.Wait", f"{cmd}.Process.Release") for _, c in func_calls)
        handed = any(
            ctx.text(a) == cmd for call_node, _ in func_calls if (args := call_node.child_by_field_name("arguments")) is not None for a in args.named_children
        ) or any(
            n.type in ("keyed_element", "assignment_statement", "return_statement")
            and re.search(rf"(?<![\w.]){re.escape(cmd)}\s*(,|}}|$)", ctx.text(n))
            for n in walk(func)
        )
        if waited or handed:
            continue  # waited for here, or handed to code that waits
        ctx.report("exec-no-wait", call, f"`{cmd}` is started but never waited for: the child stays a zombie")


@detector("server-no-timeouts", b'http.ListenAndServe', b'http.Server')
def server_no_timeouts(ctx: CodeContext) -> None:
    for call, callee in ctx.calls:
        if callee in ("http.ListenAndServe", "http.ListenAndServeTLS"):
            ctx.report("server-no-timeouts", call, f"`{callee}` serves with no read, header or idle timeouts", "medium")
    for node in ctx.nodes:
        if node.type == "composite_literal" and ctx.text(node.child_by_field_name("type")) == "http.Server":
            body = node.child_by_field_name("body")
            keys = {ctx.text(e.named_children[0]) for e in (body.named_children if body else []) if e.type == "keyed_element"}
            if not keys & {"ReadHeaderTimeout", "ReadTimeout"}:
                ctx.report("server-no-timeouts", node, "`http.Server` without ReadHeaderTimeout or ReadTimeout", "medium")


@detector("tcp-no-deadline", b'net.Dial')
def tcp_no_deadline(ctx: CodeContext) -> None:
    for call, callee in ctx.calls:
        if callee not in ("net.Dial", "net.DialTimeout", "net.DialTCP"):
            continue
        assignment = assignment_of(call, ctx.text)
        func = enclosing_function(call)
        if assignment is None or not assignment[1] or func is None:
            continue
        names = assignment[1]
        conn = names[0]
        text = ctx.text(func)
        if re.search(rf"\b{re.escape(conn)}\.Set(Read|Write)?Deadline\(", text):
            continue
        reads = re.search(rf"\b{re.escape(conn)}\.Read\(|\bbufio\.NewReader(Size)?\(\s*{re.escape(conn)}\b|\bio\.ReadAll\(\s*{re.escape(conn)}\b|\bio\.ReadFull\(\s*{re.escape(conn)}\b", text)
        if reads:
            ctx.report("tcp-no-deadline", call, f"`{conn}` is read with no deadline: a silent peer blocks this goroutine forever", "medium")



