"""The cancel function of context.WithCancel/WithTimeout/WithDeadline that is never called."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.detectors.resources import track
from goleakhelp.code.flow.ownership import Release, declared_locally, released_only_on_error
from goleakhelp.code.syntax import assigned_names, enclosing, enclosing_function

# go vet's lostcancel: any use of the cancel variable (a call, passing it, returning it,
# capturing it in a closure) counts, on every path from its definition to a return.
ANY_USE = Release(any_use=True)
WITH_CANCEL = re.compile(r"^context\.With(Cancel|Timeout|Deadline)(Cause)?$")


def _uses(func, name: str, after: int, ctx: CodeContext) -> bool:
    """An identifier `name` inside `func` after byte `after`."""
    tokens = ctx.tokens(name)
    low, high = ctx.token_range(name, after + 1, func.end_byte)
    return any(tokens[i].type == "identifier" for i in range(low, high))  # stops at the first


def _with_assignments(ctx: CodeContext) -> list:
    """The `:=` and `=` statements whose value may be a context.With... call, in source order."""
    found = {}
    for call, _ in ctx.calls_from("context.With"):
        for statement in (call.parent, call.parent.parent if call.parent is not None else None):
            if statement is not None and statement.type in ("short_var_declaration", "assignment_statement"):
                found[(statement.start_byte, statement.end_byte)] = statement
    return [found[k] for k in sorted(found, key=lambda k: (k[0], -k[1]))]


@detector("ctx-lostcancel", b'context.With')
def ctx_lostcancel(ctx: CodeContext) -> None:
    for node in _with_assignments(ctx):
        right = node.child_by_field_name("right")
        if right is None or not right.named_children:
            continue
        call = right.named_children[0]
        if call.type != "call_expression":
            continue
        callee = call.child_by_field_name("function")
        if callee is None or not WITH_CANCEL.match(ctx.text(callee)):
            continue
        names = assigned_names(node, ctx.text)
        if len(names) != 2:
            continue
        cancel = names[1]
        if "." in cancel:
            continue  # stored in a field (t.cancel) for a later call
        if cancel == "_":
            ctx.report("ctx-lostcancel", node, f"the cancel function of {ctx.text(callee)} is discarded")
            continue
        func = enclosing_function(node)
        if func is None:
            continue  # package level: the context lives as long as the program
        if not declared_locally(ctx, func, cancel):
            continue  # a named result or a variable outside the function: someone else calls it
        if not _uses(func, cancel, node.end_byte, ctx):
            ctx.report("ctx-lostcancel", node, f"`{cancel}` from {ctx.text(callee)} is never called or passed on")
            continue
        found = track(ctx, func, node, cancel, None, ANY_USE)
        if found:
            leak = found[0]
            if leak.kind == "overwrite":
                where = f"line {ctx.source.user_line(leak.node)} overwrites `{cancel}` before it is called"
            elif leak.kind == "return":
                where = f"the return at line {ctx.source.user_line(leak.node)} is reached without calling `{cancel}`"
            else:
                where = f"the end of the function is reached without calling `{cancel}`"
            if released_only_on_error(found):
                where += " (it is called only when an error is returned)"
            confidence = "medium" if released_only_on_error(found) else "high"
            ctx.report("ctx-lostcancel", node, f"`{cancel}` from {ctx.text(callee)} is not called on every path: {where}", confidence)


@detector("ctx-not-inherited", b'context.Background()', b'context.TODO()')
def ctx_not_inherited(ctx: CodeContext) -> None:
    """context.Background()/TODO() inside a function that already has a request context."""
    for call, callee in ctx.calls_named("Background", "TODO"):
        if callee not in ("context.Background", "context.TODO"):
            continue
        func = enclosing_function(call)
        params = func.child_by_field_name("parameters") if func is not None else None
        if params is None:
            continue
        # A parameter of that type itself: not `check func(*http.Request) error`, whose
        # requests come later and are not this function's.
        kinds = {ctx.text(d.child_by_field_name("type")) for d in params.named_children if d.type in ("parameter_declaration", "variadic_parameter_declaration")}
        if not kinds & {"context.Context", "*http.Request"}:
            continue
        # Deliberate detaches: a nil-context fallback, or a root stored for a long-lived owner.
        guard = enclosing(call, ("if_statement",))
        if guard is not None and "== nil" in ctx.text(guard.child_by_field_name("condition")):
            continue
        if enclosing(call, ("keyed_element", "composite_literal")) is not None:
            continue
        statement = enclosing(call, ("assignment_statement", "short_var_declaration"))
        if statement is not None and any("." in n for n in assigned_names(statement, ctx.text)):
            continue
        ctx.report(
            "ctx-not-inherited",
            call,
            f"`{callee}()` in a function that has the caller's context: cancellation and deadlines are lost",
            "medium",
        )
