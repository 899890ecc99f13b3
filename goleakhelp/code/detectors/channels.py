"""Channels that strand goroutines: a sender whose receiver gave up, a range over a channel
nobody closes, a struct whose channel was never made, a ticker loop with no way out."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import FUNCTION_TYPES, assigned_names, calls, enclosing, enclosing_function, own_nodes, walk


def _made_channels(func, ctx: CodeContext):
    """(name, statement, buffered) for each `name := make(chan T[, n])` in the function."""
    if b"make(chan" not in ctx.source.text[func.start_byte : func.end_byte]:
        return
    for node in own_nodes(func):
        if node.type != "short_var_declaration":
            continue
        right = node.child_by_field_name("right")
        call = right.named_children[0] if right is not None and right.named_children else None
        if call is None or call.type != "call_expression" or ctx.text(call.child_by_field_name("function")) != "make":
            continue
        args = call.child_by_field_name("arguments")
        if args is None or not args.named_children or args.named_children[0].type != "channel_type":
            continue
        names = assigned_names(node, ctx.text)
        if len(names) == 1:
            yield names[0], node, len(args.named_children) > 1


def _go_literals(func):
    for node in walk(func):
        if node.type == "go_statement":
            literal = next((c for c in walk(node) if c.type == "func_literal"), None)
            if literal is not None:
                yield node, literal


@detector("chan-send-orphan", b'make(chan')
def chan_send_orphan(ctx: CodeContext) -> None:
    for func in (n for n in ctx.nodes if n.type in FUNCTION_TYPES):
        for name, statement, buffered in _made_channels(func, ctx):
            if buffered:
                continue
            sends = [
                n
                for _, lit in _go_literals(func)
                for n in walk(lit)
                if n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name
            ]
            if not sends:
                continue
            for select in (n for n in own_nodes(func) if n.type == "select_statement"):
                cases = [c for c in select.named_children if c.type in ("communication_case", "default_case")]
                receives_here = any(
                    (comm := c.child_by_field_name("communication")) is not None
                    and re.search(rf"<-\s*{re.escape(name)}\b", ctx.text(comm))
                    for c in cases
                )
                if receives_here and len(cases) > 1:
                    ctx.report(
                        "chan-send-orphan",
                        statement,
                        f"unbuffered `{name}`: when the select takes another case, the goroutine's send blocks forever",
                    )
                    break


def _ranging_functions(ctx: CodeContext) -> dict[str, set[str]]:
    """Function name -> its parameters that it ranges over (`for v := range jobs`)."""
    out: dict[str, set[str]] = {}
    for func in (n for n in ctx.nodes if n.type in ("function_declaration", "method_declaration")):
        params = {ctx.text(p) for d in walk(func.child_by_field_name("parameters")) if d.type == "parameter_declaration" for p in d.children_by_field_name("name")}
        ranged = {ctx.text(c.child_by_field_name("right")) for c in walk(func) if c.type == "range_clause" and c.child_by_field_name("right") is not None}
        if params & ranged:
            out[ctx.text(func.child_by_field_name("name"))] = params & ranged
    return out


def _ranged_by_goroutines(func, name: str, ranging: dict[str, set[str]], ctx: CodeContext) -> bool:
    """A goroutine ranges over the channel: in a go func literal, or in a function `go` starts with it."""
    for node in walk(func):
        if node.type != "go_statement":
            continue
        if any(c.type == "range_clause" and ctx.text(c.child_by_field_name("right")) == name for c in walk(node)):
            return True
        for call, callee in calls(walk(node), ctx.text):
            args = call.child_by_field_name("arguments")
            if callee.rsplit(".", 1)[-1] in ranging and args is not None and any(ctx.text(a) == name for a in args.named_children):
                return True
    return False


@detector("range-unclosed", b'make(chan')
def range_unclosed(ctx: CodeContext) -> None:
    ranging: dict[str, set[str]] | None = None
    for func in (n for n in ctx.nodes if n.type in FUNCTION_TYPES):
        made = list(_made_channels(func, ctx))
        if not made:
            continue
        closes = {
            ctx.text(args.named_children[0])
            for call, callee in calls(walk(func), ctx.text)
            if callee == "close" and (args := call.child_by_field_name("arguments")) is not None and args.named_children
        }
        for name, statement, _ in made:
            if name in closes:
                continue
            word = rf"(?<![\w.]){re.escape(name)}(?![\w.])"
            consumers = 0
            handed_elsewhere = False
            for node in walk(func):
                if node.type == "go_statement" and re.search(word, ctx.text(node)):
                    consumers += 1
                elif node.type == "call_expression" and enclosing(node, ("go_statement",), stop=()) is None:
                    args = node.child_by_field_name("arguments")
                    if args is not None and any(ctx.text(a) == name for a in args.named_children):
                        handed_elsewhere = True  # a helper may close it
                elif node.type in ("return_statement", "keyed_element") and re.search(word, ctx.text(node)):
                    handed_elsewhere = True
            sent = any(n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name for n in own_nodes(func))
            if not (consumers and sent and not handed_elsewhere):
                continue
            if ranging is None:
                ranging = _ranging_functions(ctx)
            if _ranged_by_goroutines(func, name, ranging, ctx):
                ctx.report("range-unclosed", statement, f"`{name}` feeds goroutines but is never closed, so their receive loops never end")


@detector("ticker-goroutine", b'.C', b'time.Tick(')
def ticker_goroutine(ctx: CodeContext) -> None:
    for node in ctx.nodes:
        if node.type != "for_statement":
            continue
        clause = next((c for c in node.named_children if c.type == "range_clause"), None)
        if clause is None:
            continue
        ranged = ctx.text(clause.child_by_field_name("right"))
        if not (re.search(r"\.C$", ranged) or ranged.startswith("time.Tick(")):
            continue
        body = node.child_by_field_name("body")
        exits = [n for n in walk(body) if n.type in ("return_statement", "break_statement", "goto_statement") and enclosing_function(n) == enclosing_function(node)]
        if not exits:
            ctx.report("ticker-goroutine", node, f"`for range {ranged}` has no way out: the loop and its goroutine never end")


@detector("nil-chan", b'chan ')
def nil_chan(ctx: CodeContext) -> None:
    """A struct literal that leaves a channel field nil, outside the type's constructor."""
    chan_fields: dict[str, list[str]] = {}
    for node in ctx.nodes:
        if node.type == "type_spec":
            struct = node.child_by_field_name("type")
            if struct is None or struct.type != "struct_type":
                continue
            fields = [
                ctx.text(name)
                for decl in walk(struct)
                if decl.type == "field_declaration" and (t := decl.child_by_field_name("type")) is not None and t.type == "channel_type"
                for name in decl.children_by_field_name("name")
            ]
            if fields:
                chan_fields[ctx.text(node.child_by_field_name("name"))] = fields
    if not chan_fields:
        return
    constructors = {
        ctx.text(n.child_by_field_name("name")).lower() for n in ctx.nodes if n.type == "function_declaration" and ctx.text(n.child_by_field_name("name")).lower().startswith("new")
    }
    used = {
        field
        for n in ctx.nodes
        if n.type in ("send_statement", "unary_expression", "range_clause") and "." in (t := ctx.text(n))
        for field in re.findall(r"\.(\w+)\b", t)
    }
    for node in ctx.nodes:
        if node.type != "composite_literal":
            continue
        type_name = ctx.text(node.child_by_field_name("type"))
        # Only types whose constructor makes the channels and whose code really uses them.
        if type_name not in chan_fields or f"new{type_name.lower()}" not in constructors:
            continue
        chan_fields[type_name] = [f for f in chan_fields[type_name] if f in used]
        func = enclosing_function(node)
        name = ctx.text(func.child_by_field_name("name")) if func is not None and func.child_by_field_name("name") is not None else ""
        if name.lower().startswith("new"):
            continue  # the constructor may make the channels just after
        body = node.child_by_field_name("body")
        keys = {ctx.text(e.named_children[0]) for e in (body.named_children if body else []) if e.type == "keyed_element"}
        missing = [f for f in chan_fields[type_name] if f not in keys]
        if missing and (body is None or not [e for e in body.named_children if e.type != "keyed_element"]):
            ctx.report("nil-chan", node, f"`{type_name}{{}}` leaves channel field {', '.join(missing)} nil: sends and receives on it block forever", "medium")


@detector("chan-recv-orphan", b'make(chan')
def chan_recv_orphan(ctx: CodeContext) -> None:
    """A goroutine waits for a value the function sends only on some paths, and nothing closes the channel."""
    for func in (n for n in ctx.nodes if n.type in FUNCTION_TYPES):
        made = list(_made_channels(func, ctx))
        if not made:
            continue
        func_calls = list(calls(walk(func), ctx.text))
        closed = {ctx.text(a.named_children[0]) for c, callee in func_calls if callee == "close" and (a := c.child_by_field_name("arguments")) is not None and a.named_children}
        own = list(own_nodes(func))
        for name, statement, _ in made:
            if name in closed:
                continue
            waits = [
                n
                for _, lit in _go_literals(func)
                for n in walk(lit)
                if n.type == "unary_expression" and ctx.text(n).replace(" ", "") == f"<-{name}" and enclosing(n, ("select_statement",)) is None
            ]
            sends = [n.start_byte for n in own if n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name]
            if not waits or not sends:
                continue
            first_send = min(sends)
            if any(n.type == "return_statement" and statement.end_byte < n.start_byte < first_send for n in own):
                ctx.report("chan-recv-orphan", statement, f"a return before `{name} <- ...` leaves the goroutine waiting on `<-{name}` forever")
