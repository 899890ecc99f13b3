"""HTTP clients: bodies never closed, no timeout, a Transport per call."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.detectors.resources import borrowed
from goleakhelp.code.syntax import assignment_of, enclosing_function, function_name

# HEAD responses carry http.NoBody: nothing holds the connection.
REQUEST = re.compile(r"^(http\.(Get|Post|PostForm)|[\w.]+\.(Do|Get|Post|PostForm))$")
NO_TIMEOUT = re.compile(r"^http\.(Get|Post|Head|PostForm)$|^http\.DefaultClient\.")
SETUP_FUNCTIONS = ("main", "init", "TestMain")
CLIENTISH = re.compile(r"(?i)client|^http")


# Calls that read a body to its end: the Transport then reuses the connection, but the
# documented contract still asks for Close.
READS_TO_EOF = ("io.ReadAll", "ioutil.ReadAll", "io.Copy")


def _read_to_eof(func, name: str, after: int, ctx: CodeContext) -> bool:
    body = f"{name}.Body"
    for call, callee in ctx.calls_named("ReadAll", "Copy", within=func):
        if call.start_byte > after and callee in READS_TO_EOF:
            args = call.child_by_field_name("arguments")
            if args is not None and any(ctx.text(a) == body for a in args.named_children):
                return True
    return False


def _body_handled(func, name: str, after: int, ctx: CodeContext) -> bool:
    """resp.Body is closed, or resp is handed to code that may close it (returned, passed, stored)."""
    passed = re.compile(rf"(?<![\w.]){re.escape(name)}(\.Body)?(?![\w.])")
    stored = re.compile(rf"=\s*{re.escape(name)}\b|:\s*{re.escape(name)}\b")
    close = f"{name}.Body.Close"
    for node in ctx.subtree(func):
        if node.start_byte <= after:
            continue
        kind = node.type  # the text only of the kinds that matter: decoding every node costs
        if kind == "call_expression" and ctx.text(node.child_by_field_name("function")) == close:
            return True
        if kind == "return_statement" and node.named_children:
            # Returned as itself (return resp, return &Result{resp}); a call in the return
            # statement is judged by its argument list below.
            values = node.named_children[0]
            items = values.named_children if values.type == "expression_list" else [values]
            if any(
                ctx.text(item).lstrip("&") in (name, f"{name}.Body")
                or (item.type in ("composite_literal", "unary_expression") and passed.search(ctx.text(item)))
                for item in items
            ):
                return True
        if kind == "argument_list" and passed.search(ctx.text(node)) and not borrowed(node, ctx):
            return True  # handed to code that may close it; io.ReadAll(resp.Body) only reads
        if kind in ("keyed_element", "assignment_statement") and stored.search(ctx.text(node)):
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
        func = enclosing_function(call) or ctx.source.root
        if resp == "_":
            # Get and Do are common method names (caches, maps): only an HTTP client's count.
            if callee.startswith("http.") or CLIENTISH.search(callee.rsplit(".", 1)[0]):
                ctx.report("http-body-unclosed", call, f"the response of `{callee}` is discarded, so its body is never closed")
        elif not callee.startswith("http.") and not re.search(rf"(?<![\w.]){re.escape(resp)}\.(Body|StatusCode|Status|Header)\b", ctx.text(func)):
            continue  # nothing shows `resp` is an *http.Response
        elif not _body_handled(func, resp, statement.end_byte, ctx):
            if _read_to_eof(func, resp, statement.end_byte, ctx):
                message = f"`{resp}.Body` from `{callee}` is read to the end but never closed (the connection is reused, yet Close is still required)"
                ctx.report("http-body-unclosed", call, message, "low")
            else:
                ctx.report("http-body-unclosed", call, f"`{resp}.Body` from `{callee}` is never closed")


@detector("client-no-timeout", b'http.')
def client_no_timeout(ctx: CodeContext) -> None:
    for call, callee in ctx.calls_from("http."):
        if not NO_TIMEOUT.match(callee):
            continue
        func = enclosing_function(call) or ctx.source.root
        if callee.endswith(".Do") and any(c == "http.NewRequestWithContext" for _, c in ctx.calls_named("NewRequestWithContext", within=func)):
            continue  # the request carries a context, which can bound it
        ctx.report("client-no-timeout", call, f"`{callee}` uses http.DefaultClient, which has no timeout", "medium")
    for node in ctx.starting_with("http.Client", "composite_literal"):
        if ctx.text(node.child_by_field_name("type")) == "http.Client":
            body = node.child_by_field_name("body")
            keys = {ctx.text(e.named_children[0]) for e in body.named_children if e.type == "keyed_element"} if body else set()
            if "Timeout" not in keys:
                ctx.report("client-no-timeout", node, "`http.Client` without a Timeout", "medium")


@detector("transport-per-request", b'http.Transport')
def transport_per_request(ctx: CodeContext) -> None:
    for node in ctx.starting_with("http.Transport", "composite_literal"):
        if ctx.text(node.child_by_field_name("type")) != "http.Transport":
            continue
        func = enclosing_function(node)
        if func is None or (func.type == "function_declaration" and function_name(func, ctx.text) in SETUP_FUNCTIONS):
            continue  # package level or program setup: created once
        if ".CloseIdleConnections()" in ctx.text(func):
            continue  # its idle connections are closed when done
        ctx.report("transport-per-request", node, "a new `http.Transport` inside a function is made on every call", "medium")
