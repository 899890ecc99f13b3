"""Channels that strand goroutines: a sender whose receiver gave up, a range over a channel
nobody closes, a struct whose channel was never made, a ticker loop with no way out."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assigned_names, assignment_of, calls, enclosing, enclosing_function, walk


def _made_channels(func, ctx: CodeContext) -> list:
    """(name, statement, buffered) for each `name := make(chan T[, n])` in the function
    (not in the func literals inside it), if its text has `make(chan`."""
    if ctx.source.text.find(b"make(chan", func.start_byte, func.end_byte) < 0:
        return []
    return ctx.shared("channels.made", lambda: _made_in_file(ctx)).get(func.id, [])


def _made_in_file(ctx: CodeContext) -> dict:
    """Function id -> its `name := make(chan ...)` statements, found from the calls of make."""
    statements = {}
    for call, callee in ctx.calls_named("make"):
        if callee != "make" or call.parent is None:
            continue
        for node in (call.parent, call.parent.parent):
            if node is not None and node.type == "short_var_declaration":
                statements[(node.start_byte, node.end_byte)] = node
    made: dict = {}
    for node in sorted(statements.values(), key=lambda n: (n.start_byte, -n.end_byte)):
        right = node.child_by_field_name("right")
        call = right.named_children[0] if right is not None and right.named_children else None
        if call is None or call.type != "call_expression" or ctx.text(call.child_by_field_name("function")) != "make":
            continue
        args = call.child_by_field_name("arguments")
        if args is None or not args.named_children or args.named_children[0].type != "channel_type":
            continue
        names = assigned_names(node, ctx.text)
        func = enclosing_function(node)
        if len(names) == 1 and func is not None:
            made.setdefault(func.id, []).append((names[0], node, len(args.named_children) > 1))
    return made


def _go_literals(func, ctx: CodeContext) -> list:
    """(go statement, the func literal it starts) inside `func`."""
    out = []
    start, end = func.start_byte, func.end_byte
    for node in ctx.with_keyword("go", "go_statement"):
        if start <= node.start_byte and node.end_byte <= end:
            literal = next((c for c in walk(node) if c.type == "func_literal"), None)
            if literal is not None:
                out.append((node, literal))
    return out


@detector("chan-send-orphan", b'make(chan')
def chan_send_orphan(ctx: CodeContext) -> None:
    for func in ctx.functions_containing(b"make(chan"):
        for name, statement, buffered in _made_channels(func, ctx):
            if buffered:
                continue
            sends = [
                n
                for _, lit in _go_literals(func, ctx)
                for n in ctx.subtree(lit)
                if n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name and not _send_can_give_up(n)
            ]
            if not sends:
                continue
            for select in (n for n in ctx.own_nodes(func) if n.type == "select_statement"):
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


def _send_can_give_up(send) -> bool:
    """The send is one case of a select that has others (`case ch <- v:` beside `case <-ctx.Done():` or a default)."""
    case = send.parent
    if case is None or case.type != "communication_case":
        return False
    communication = case.child_by_field_name("communication")
    if communication is None or (communication.start_byte, communication.end_byte) != (send.start_byte, send.end_byte):
        return False
    select = case.parent
    return select is not None and sum(c.type in ("communication_case", "default_case") for c in select.named_children) > 1


def _ranging_functions(ctx: CodeContext) -> dict[str, set[str]]:
    """Function name -> its parameters that it ranges over (`for v := range jobs`)."""
    out: dict[str, set[str]] = {}
    for func in ctx.with_keyword("func", "function_declaration", "method_declaration"):
        params = {ctx.text(p) for d in walk(func.child_by_field_name("parameters")) if d.type == "parameter_declaration" for p in d.children_by_field_name("name")}
        ranged = {ctx.text(c.child_by_field_name("right")) for c in ctx.subtree(func) if c.type == "range_clause" and c.child_by_field_name("right") is not None}
        if params & ranged:
            out[ctx.text(func.child_by_field_name("name"))] = params & ranged
    return out


def _ranged_by_goroutines(func, name: str, ranging: dict[str, set[str]], ctx: CodeContext) -> bool:
    """A goroutine ranges over the channel: in a go func literal, or in a function `go` starts with it."""
    for node in ctx.subtree(func):
        if node.type != "go_statement":
            continue
        if any(c.type == "range_clause" and ctx.text(c.child_by_field_name("right")) == name for c in walk(node)):
            return True
        for call, callee in calls(walk(node), ctx.text):
            args = call.child_by_field_name("arguments")
            if callee.rsplit(".", 1)[-1] in ranging and args is not None and any(ctx.text(a) == name for a in args.named_children):
                return True
    return False


def _closed(func, ctx: CodeContext) -> set[str]:
    """What `close(x)` closes inside `func`."""
    return {
        ctx.text(args.named_children[0])
        for call, callee in ctx.calls_named("close", within=func)
        if callee == "close" and (args := call.child_by_field_name("arguments")) is not None and args.named_children
    }


@detector("range-unclosed", b'make(chan')
def range_unclosed(ctx: CodeContext) -> None:
    ranging: dict[str, set[str]] | None = None
    for func in ctx.functions_containing(b"make(chan"):
        made = _made_channels(func, ctx)
        if not made:
            continue
        closes = _closed(func, ctx)
        for name, statement, _ in made:
            if name in closes:
                continue
            sent = any(n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name for n in ctx.own_nodes(func))
            if not sent:
                continue
            word = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w.])")
            consumers = 0
            handed_elsewhere = False
            for node in ctx.subtree(func):
                kind = node.type
                if kind == "go_statement":
                    if word.search(ctx.text(node)):
                        consumers += 1
                elif kind == "call_expression":
                    args = node.child_by_field_name("arguments")
                    if args is not None and any(ctx.text(a) == name for a in args.named_children) and enclosing(node, ("go_statement",), stop=()) is None:
                        handed_elsewhere = True  # a helper may close it
                        break
                elif kind in ("return_statement", "keyed_element") and word.search(ctx.text(node)):
                    handed_elsewhere = True
                    break
            if not consumers or handed_elsewhere:
                continue
            if ranging is None:
                ranging = _ranging_functions(ctx)
            if _ranged_by_goroutines(func, name, ranging, ctx):
                ctx.report("range-unclosed", statement, f"`{name}` feeds goroutines but is never closed, so their receive loops never end")


# What a file must hold for a range over `x.C` (or time.Tick(...)): `.C` ending a name.
# (Two searches: one regex with both alternatives scans several times slower.)
TICKER_FIELD = re.compile(rb"\.C(?![A-Za-z0-9_])")


@detector("ticker-goroutine", b'.C', b'time.Tick(')
def ticker_goroutine(ctx: CodeContext) -> None:
    if not TICKER_FIELD.search(ctx.source.text) and b"time.Tick(" not in ctx.source.text:
        return  # no `x.C` (the trigger also matches .Close, .Call, ...) and no time.Tick(
    for clause in ctx.with_keyword("range", "range_clause"):
        node = clause.parent  # a for statement has at most one range clause
        if node is None or node.type != "for_statement":
            continue
        ranged = ctx.text(clause.child_by_field_name("right"))
        if not (re.search(r"\.C$", ranged) or ranged.startswith("time.Tick(")):
            continue
        body = node.child_by_field_name("body")
        exits = [n for n in walk(body) if n.type in ("return_statement", "break_statement", "goto_statement") and enclosing_function(n) == enclosing_function(node) and _leaves(n, node, body, ctx)]
        if not exits:
            ctx.report("ticker-goroutine", node, f"`for range {ranged}` has no way out: the loop and its goroutine never end")


_BREAKABLE = ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement")


def _leaves(exit, loop, body, ctx: CodeContext) -> bool:
    """The return, goto or break leaves `loop`: a plain `break` inside a switch or select in
    the loop ends only that statement, and `break L` leaves it unless L labels a statement inside."""
    if exit.type != "break_statement":
        return True
    label = next((c for c in exit.named_children if c.type == "label_name"), None)
    if label is not None:
        inner = {ctx.text(n.child_by_field_name("label")) for n in walk(body) if n.type == "labeled_statement"}
        return ctx.text(label) not in inner
    target = enclosing(exit, _BREAKABLE)
    return target is not None and (target.start_byte, target.end_byte) == (loop.start_byte, loop.end_byte)


def _struct_types_with_channels(ctx: CodeContext) -> list:
    """The type_specs whose struct has a field of channel type somewhere inside, in source order."""
    found = {}
    for channel_type in ctx.with_keyword("chan", "channel_type"):
        field = channel_type.parent
        field_type = field.child_by_field_name("type") if field is not None and field.type == "field_declaration" else None
        if field_type is None or (field_type.start_byte, field_type.end_byte) != (channel_type.start_byte, channel_type.end_byte):
            continue
        node = field.parent
        while node is not None:
            struct = node.child_by_field_name("type") if node.type == "type_spec" else None
            if struct is not None and struct.type == "struct_type" and struct.start_byte <= field.start_byte and field.end_byte <= struct.end_byte:
                found[(node.start_byte, node.end_byte)] = node
            node = node.parent
    return [found[k] for k in sorted(found, key=lambda k: (k[0], -k[1]))]


@detector("nil-chan", b'chan ')
def nil_chan(ctx: CodeContext) -> None:
    """A struct literal that leaves a channel field nil, outside the type's constructor."""
    chan_fields: dict[str, list[str]] = {}
    for node in _struct_types_with_channels(ctx):
        struct = node.child_by_field_name("type")
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
        ctx.text(n.child_by_field_name("name")).lower()
        for n in ctx.with_keyword("func", "function_declaration")
        if ctx.text(n.child_by_field_name("name")).lower().startswith("new")
    }
    # Only types whose constructor makes the channels can be left with nil ones.
    made = [name for name in chan_fields if f"new{name.lower()}" in constructors]
    literals = {}
    for name in made:
        for token in ctx.tokens(name):
            node = token.parent
            if node is not None and node.type == "composite_literal":
                literals[(node.start_byte, node.end_byte)] = node
    used: set[str] | None = None
    lazily: dict[str, set[str]] | None = None
    for node in (literals[k] for k in sorted(literals, key=lambda k: (k[0], -k[1]))):
        type_name = ctx.text(node.child_by_field_name("type"))
        # Only types whose constructor makes the channels and whose code really uses them.
        if type_name not in chan_fields or f"new{type_name.lower()}" not in constructors:
            continue
        if used is None:
            used = {
                field
                for n in ctx.of_type("send_statement", "unary_expression", "range_clause")
                if "." in (t := ctx.text(n))
                for field in re.findall(r"\.(\w+)\b", t)
            }
        chan_fields[type_name] = [f for f in chan_fields[type_name] if f in used]
        func = enclosing_function(node)
        name = ctx.text(func.child_by_field_name("name")) if func is not None and func.child_by_field_name("name") is not None else ""
        if name.lower().startswith("new"):
            continue  # the constructor may make the channels just after
        body = node.child_by_field_name("body")
        keys = {ctx.text(e.named_children[0]) for e in (body.named_children if body else []) if e.type == "keyed_element"}
        if lazily is None:
            lazily = _made_lazily(ctx)
        value = node.parent if node.parent is not None and node.parent.type == "unary_expression" else node
        assignment = assignment_of(value, ctx.text) if func is not None else None
        # `m := &T{}; m.ch = make(...)`: made right after the literal
        made_after = _fields_made(ctx, func, assignment[1][0]) if assignment is not None and len(assignment[1]) == 1 else set()
        missing = [f for f in chan_fields[type_name] if f not in keys and f not in lazily.get(type_name, ()) and f not in made_after]
        if missing and (body is None or not [e for e in body.named_children if e.type != "keyed_element"]):
            ctx.report("nil-chan", node, f"`{type_name}{{}}` leaves channel field {', '.join(missing)} nil: sends and receives on it block forever", "medium")


def _made_lazily(ctx: CodeContext) -> dict[str, set[str]]:
    """Type name -> channel fields one of its methods makes (`h.events = make(...)` under a
    sync.Once or a nil check): the type's zero value is meant to work."""
    made: dict[str, set[str]] = {}
    for method in ctx.with_keyword("func", "method_declaration"):
        receiver = method.child_by_field_name("receiver")
        declaration = receiver.named_children[0] if receiver is not None and receiver.named_children else None
        names = declaration.children_by_field_name("name") if declaration is not None else []
        if not names:
            continue
        owner = ctx.text(declaration.child_by_field_name("type")).lstrip("*")
        made.setdefault(owner, set()).update(_fields_made(ctx, method, ctx.text(names[0])))
    return made


def _fields_made(ctx: CodeContext, func, holder: str) -> set[str]:
    """The fields `f` of `holder.f = make(...)` inside `func` (its func literals included)."""
    made = set()
    for call, callee in ctx.calls_named("make", within=func):
        values = call.parent
        statement = values.parent if values is not None and values.type == "expression_list" else None
        if callee != "make" or statement is None or statement.type != "assignment_statement":
            continue
        left = statement.child_by_field_name("left")
        index = next(i for i, v in enumerate(values.named_children) if v.start_byte == call.start_byte)
        target = left.named_children[index] if left is not None and index < len(left.named_children) else None
        if target is not None and target.type == "selector_expression" and ctx.text(target.child_by_field_name("operand")) == holder:
            made.add(ctx.text(target.child_by_field_name("field")))
    return made


@detector("chan-recv-orphan", b'make(chan')
def chan_recv_orphan(ctx: CodeContext) -> None:
    """A goroutine waits for a value the function sends only on some paths, and nothing closes the channel."""
    for func in ctx.functions_containing(b"make(chan"):
        made = _made_channels(func, ctx)
        if not made:
            continue
        closed = _closed(func, ctx)
        own = ctx.own_nodes(func)
        for name, statement, _ in made:
            if name in closed:
                continue
            # The go statements whose goroutine waits on the channel.
            waiting = [
                go.end_byte
                for go, lit in _go_literals(func, ctx)
                if any(
                    n.type == "unary_expression" and ctx.text(n).replace(" ", "") == f"<-{name}" and enclosing(n, ("select_statement",)) is None
                    for n in ctx.subtree(lit)
                )
            ]
            sends = [n.start_byte for n in own if n.type == "send_statement" and ctx.text(n.child_by_field_name("channel")) == name]
            if not waiting or not sends:
                continue
            # A return counts once a waiting goroutine runs (not before it is started) and before the send.
            after, first_send = max(statement.end_byte, min(waiting)), min(sends)
            if any(n.type == "return_statement" and after < n.start_byte < first_send for n in own):
                ctx.report("chan-recv-orphan", statement, f"a return before `{name} <- ...` leaves the goroutine waiting on `<-{name}` forever")
