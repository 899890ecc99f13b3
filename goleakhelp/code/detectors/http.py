"""HTTP clients: bodies never closed, no timeout, a Transport per call."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.detectors.resources import where_held, track
from goleakhelp.code.flow.conditions import expects_failure
from goleakhelp.code.flow.ownership import Release, declared_locally
from goleakhelp.code.syntax import assignment_of, enclosing_function, runs_once

# HEAD responses carry http.NoBody: nothing holds the connection.
REQUEST = re.compile(r"^(http\.(Get|Post|PostForm)|[\w.]+\.(Do|Get|Post|PostForm))$")
NO_TIMEOUT = re.compile(r"^http\.(Get|Post|Head|PostForm)$|^http\.DefaultClient\.")
CLIENTISH = re.compile(r"(?i)client|^http")


# Calls that read a body to its end: the Transport then reuses the connection, but the
# documented contract still asks for Close.
READS_TO_EOF = ("io.ReadAll", "ioutil.ReadAll", "io.Copy")
BODY = Release(("Body.Close",))


def _read_to_eof(func, name: str, after: int, ctx: CodeContext) -> bool:
    body = f"{name}.Body"
    for call, callee in ctx.calls_named("ReadAll", "Copy", within=func):
        if call.start_byte > after and callee in READS_TO_EOF:
            args = call.child_by_field_name("arguments")
            if args is not None and any(ctx.text(a) == body for a in args.named_children):
                return True
    return False


@detector("http-body-unclosed", b".Get(", b".Do(", b".Post")
def http_body_unclosed(ctx: CodeContext) -> None:
    for call, callee in ctx.calls_named("Get", "Post", "PostForm", "Do"):
        assignment = assignment_of(call, ctx.text) if REQUEST.match(callee) else None
        if assignment is None or len(assignment[1]) != 2:
            continue
        statement, names = assignment
        resp = names[0]
        func = enclosing_function(call)
        if func is None:
            continue
        # Get and Do are common method names (caches, maps): only an HTTP client's count.
        known = callee.startswith("http.") or bool(CLIENTISH.search(callee.rsplit(".", 1)[0]))
        if resp == "_":
            if ctx.source.name.endswith("_test.go") and expects_failure(statement, names[1], ctx.text):
                continue  # the test expects the request to fail
            if known:
                ctx.report("http-body-unclosed", call, f"the response of `{callee}` is discarded, so its body is never closed")
            continue
        if not callee.startswith("http.") and not re.search(rf"(?<![\w.]){re.escape(resp)}\.(Body|StatusCode|Status|Header)\b", ctx.text(func)):
            continue  # nothing shows `resp` is an *http.Response
        if "." in resp or not declared_locally(ctx, func, resp):
            continue
        found = track(ctx, func, statement, resp, names[1], BODY)
        if not found:
            continue
        confidence = "high" if known else "medium"
        closes = any(c == f"{resp}.Body.Close" for _, c in ctx.calls_named("Close", within=func))
        if not closes and _read_to_eof(func, resp, statement.end_byte, ctx):
            message = f"`{resp}.Body` from `{callee}` is read to the end but never closed (the connection is reused, yet Close is still required)"
            ctx.report("http-body-unclosed", call, message, "low")
        elif not closes:
            ctx.report("http-body-unclosed", call, f"`{resp}.Body` from `{callee}` is never closed", confidence)
        else:
            where = where_held(found[0], ctx)
            ctx.report("http-body-unclosed", call, f"`{resp}.Body` from `{callee}` is still open at {where} (`{resp}.Body.Close()` is not reached on that path)", confidence)


@detector("client-no-timeout", b'http.')
def client_no_timeout(ctx: CodeContext) -> None:
    for call, callee in ctx.calls_from("http."):
        if not NO_TIMEOUT.match(callee):
            continue
        func = enclosing_function(call) or ctx.source.root
        if callee.endswith(".Do") and any(c == "http.NewRequestWithContext" and not _unbounded_context(r, ctx) for r, c in ctx.calls_named("NewRequestWithContext", within=func)):
            continue  # the request carries a context, which can bound it
        ctx.report("client-no-timeout", call, f"`{callee}` uses http.DefaultClient, which has no timeout", "medium")
    for node in ctx.starting_with("http.Client", "composite_literal"):
        if ctx.text(node.child_by_field_name("type")) == "http.Client":
            body = node.child_by_field_name("body")
            keys = {ctx.text(e.named_children[0]) for e in body.named_children if e.type == "keyed_element"} if body else set()
            if "Timeout" not in keys:
                ctx.report("client-no-timeout", node, "`http.Client` without a Timeout", "medium")


def _unbounded_context(call, ctx: CodeContext) -> bool:
    """The request is made with context.Background() or context.TODO(), which never end."""
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return first is not None and ctx.text(first).replace(" ", "") in ("context.Background()", "context.TODO()")


@detector("transport-per-request", b'http.Transport')
def transport_per_request(ctx: CodeContext) -> None:
    for node in ctx.starting_with("http.Transport", "composite_literal"):
        if ctx.text(node.child_by_field_name("type")) != "http.Transport":
            continue
        func = enclosing_function(node)
        if func is None or runs_once(func, ctx.text, ctx.source.name):
            continue  # package level or program setup: created once
        if ".CloseIdleConnections()" in ctx.text(func):
            continue  # its idle connections are closed when done
        ctx.report("transport-per-request", node, "a new `http.Transport` inside a function is made on every call", "medium")
