"""Concurrency shapes that strand goroutines: errgroup tasks that ignore the group context,
a goroutine per incoming message with no limit, a read lock taken again through another
method of the same value, a for-select whose channels have all been set to nil, and a gRPC
client stream given up before its end while its context lives on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goleakhelp.code.context import CodeContext, call_of, source_order
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assigned_names, calls, enclosing, enclosing_function, own_nodes, receiver_and_method, walk

BREAKABLE = ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement")
NO_RETURN = {"panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "log.Panicf", "runtime.Goexit"}


# --- small tree questions shared by the detectors below -------------------------------


def _received(node, ctx: CodeContext) -> str | None:
    """`ch` when `node` is the receive `<-ch`."""
    if node.type != "unary_expression":
        return None
    operator = node.child_by_field_name("operator")
    if operator is None or operator.type != "<-":
        return None
    return ctx.text(node.child_by_field_name("operand"))


def _case_of(op):
    """The communication_case whose communication is `op` (a send statement or a receive)."""
    statement = op if op.type == "send_statement" else op.parent
    parent = statement.parent if statement is not None else None
    if parent is not None and parent.type == "communication_case" and parent.child_by_field_name("communication") == statement:
        return parent
    return None


def _case_channel(case, ctx: CodeContext) -> str | None:
    """The channel a select case sends to or receives from."""
    comm = case.child_by_field_name("communication")
    if comm is None:
        return None
    if comm.type == "send_statement":
        return ctx.text(comm.child_by_field_name("channel"))
    right = comm.child_by_field_name("right") if comm.type == "receive_statement" else comm
    for node in walk(right) if right is not None else ():
        if (chan := _received(node, ctx)) is not None:
            return chan
    return None


def _identifiers(node, ctx: CodeContext) -> set[str]:
    return {ctx.text(n) for n in walk(node) if n.type == "identifier"}


def _walk_here(node):
    """Nodes below `node` in source order, not entering function literals."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed([c for c in current.children if c.type != "func_literal"]))


def _keyword_nodes(ctx: CodeContext, keyword: str, *types: str) -> list:
    """`ctx.of_type(*types)` for node types that always hold `keyword`, found from the text
    (by the full walk when the tree has syntax errors: a keyword may be missing there)."""
    return ctx.of_type(*types) if ctx.source.root.has_error else ctx.with_keyword(keyword, *types)


def _first_arg(call):
    args = call.child_by_field_name("arguments")
    return args.named_children[0] if args is not None and args.named_children else None


def _outermost_function(node):
    func = enclosing_function(node)
    while func is not None:
        outer = enclosing_function(func)
        if outer is None:
            return func
        func = outer
    return None


def _assignments(scope, ctx: CodeContext):
    """(statement, names, right-hand expressions) for every `:=`, `=` and `var` in scope."""
    for node in walk(scope):
        if node.type in ("short_var_declaration", "assignment_statement"):
            right = node.child_by_field_name("right")
            yield node, assigned_names(node, ctx.text), right.named_children if right is not None else []
        elif node.type == "var_spec":
            value = node.child_by_field_name("value")
            yield node, [ctx.text(n) for n in node.children_by_field_name("name")], value.named_children if value is not None else []


def _loop_exits(loop, ctx: CodeContext) -> list:
    """Statements in a `for` body that leave the loop: return, goto, a break aimed at it or
    past it, a continue aimed past it, a call that never returns."""
    exits = []
    body = loop.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type == "func_literal":
            continue
        if node.type in ("return_statement", "goto_statement"):
            exits.append(node)
        elif node.type in ("break_statement", "continue_statement"):
            label = next((c for c in node.children if c.type == "label_name"), None)
            if label is None:
                if node.type == "break_statement" and enclosing(node, BREAKABLE) == loop:
                    exits.append(node)
            else:
                target = node.parent
                while target is not None and not (target.type == "labeled_statement" and ctx.text(next((c for c in target.children if c.type == "label_name"), target)) == ctx.text(label)):
                    target = target.parent
                outside = target is not None and target.start_byte <= loop.start_byte and target.end_byte >= loop.end_byte
                if outside and (node.type == "break_statement" or target != loop.parent):
                    exits.append(node)
        elif node.type == "call_expression" and ctx.text(node.child_by_field_name("function")) in NO_RETURN:
            exits.append(node)
        stack.extend(node.children)
    return exits


# --- errgroup-stuck ------------------------------------------------------------------


@dataclass
class _Task:
    call: object  # the g.Go(...) call
    literal: object  # func() error { ... }
    repeated: bool  # started in a loop: several copies run
    sends: list = field(default_factory=list)  # (channel, send node, parent-only guard?)
    receives: list = field(default_factory=list)  # (channel, node, end of the reading loop, guarded?)
    closes: dict = field(default_factory=dict)  # channel -> (close call, deferred?)
    error_returns: list = field(default_factory=list)


def _group_of(func, recv: str, ctx: CodeContext):
    """How group `recv` was made in the function: ("ctx", group ctx name, parent ctx text),
    ("zero", None, None) for a plain errgroup.Group, or None when not seen."""
    for statement, names, values in _assignments(func, ctx):
        if not names or names[0] != recv:
            continue
        if statement.type == "var_spec":
            typ = statement.child_by_field_name("type")
            if typ is not None and ctx.text(typ).endswith("errgroup.Group"):
                return "zero", None, None
        if not values:
            continue
        value = values[0]
        text = ctx.text(value)
        if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")).endswith("errgroup.WithContext"):
            parent = _first_arg(value)
            return "ctx", names[1] if len(names) > 1 else "_", ctx.text(parent) if parent is not None else None
        if text.replace(" ", "") in ("new(errgroup.Group)", "&errgroup.Group{}", "errgroup.Group{}"):
            return "zero", None, None
    return None


def _done_of(case, ctx: CodeContext) -> str | None:
    """`ctx` when the case is `case <-ctx.Done():`."""
    comm = case.child_by_field_name("communication")
    if comm is None or comm.type == "send_statement":
        return None
    chan = _case_channel(case, ctx)
    return chan[: -len(".Done()")] if chan and chan.endswith(".Done()") else None


def _guard(op, outside: set[str], ctx: CodeContext) -> str:
    """"none" when the channel operation blocks with no other way out, "outside" when the
    only way out is the Done channel of a context the group does not cancel, "ok" otherwise."""
    case = _case_of(op)
    if case is None:
        return "none"
    select = case.parent
    others = [c for c in select.named_children if c.type in ("communication_case", "default_case") and c != case]
    if not others:
        return "none"
    if all(c.type == "communication_case" and _done_of(c, ctx) in outside for c in others):
        return "outside"
    return "ok"


def _make_capacity(func, chan: str, ctx: CodeContext) -> str | None:
    """"" for `chan := make(chan T)`, the capacity text when buffered, None when not made here."""
    for _, names, values in _assignments(func, ctx):
        if chan in names and len(names) == len(values):
            value = values[names.index(chan)]
            if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")) == "make":
                args = value.child_by_field_name("arguments")
                if args is not None and args.named_children and args.named_children[0].type == "channel_type":
                    return ctx.text(args.named_children[1]) if len(args.named_children) > 1 else ""
    return None


def _task(call, literal, outside: set[str], ctx: CodeContext) -> _Task:
    task = _Task(call, literal, enclosing(call, ("for_statement",)) is not None)
    for node in own_nodes(literal):
        if node.type == "send_statement":
            guard = _guard(node, outside, ctx)
            if guard != "ok":
                task.sends.append((ctx.text(node.child_by_field_name("channel")), node, guard == "outside"))
        elif node.type == "range_clause":
            loop = node.parent
            task.receives.append((ctx.text(node.child_by_field_name("right")), loop, loop.end_byte, False))
        elif (chan := _received(node, ctx)) is not None:
            loop = enclosing(node, ("for_statement",))
            end = loop.end_byte if loop is not None and loop.start_byte > literal.start_byte else node.end_byte
            task.receives.append((chan, node, end, _guard(node, outside, ctx) == "ok"))
        elif node.type == "call_expression" and ctx.text(node.child_by_field_name("function")) == "close":
            arg = _first_arg(node)
            if arg is not None:
                task.closes[ctx.text(arg)] = (node, enclosing(node, ("defer_statement",)) is not None)
        elif node.type == "return_statement":
            values = [c for c in node.named_children]
            if not (len(values) == 1 and ctx.text(values[0]) == "nil"):
                task.error_returns.append(node)
    return task


@detector("errgroup-stuck", b"errgroup")
def errgroup_stuck(ctx: CodeContext) -> None:
    groups: dict[tuple[int, str], list] = {}
    for call, callee in ctx.calls_named("Go", "TryGo"):
        recv, method = receiver_and_method(callee)
        if method not in ("Go", "TryGo") or not recv:
            continue
        literal = _first_arg(call)
        result = literal.child_by_field_name("result") if literal is not None and literal.type == "func_literal" else None
        func = enclosing_function(call)
        if result is None or ctx.text(result) != "error" or func is None:
            continue
        groups.setdefault((func.start_byte, recv), []).append((call, literal, func))
    for (_, recv), started in groups.items():
        func = started[0][2]
        outer = _outermost_function(started[0][0]) or func
        made = _group_of(outer, recv, ctx)
        outside: set[str] = set()
        if made is not None and made[0] == "ctx" and made[2] and made[1] != made[2]:
            outside = {made[2]}  # the parent: not cancelled when a task fails
        tasks = [_task(call, literal, outside, ctx) for call, literal, _ in started]
        _stuck_senders(tasks, recv, made, func, ctx)
        _stuck_receivers(tasks, recv, ctx)
        _go_under_limit(tasks, recv, outer, ctx)


def _stuck_senders(tasks: list[_Task], recv: str, made, func, ctx: CodeContext) -> None:
    """A task sends with no way out on a channel another task of the group stops reading
    when it returns an error."""
    for producer in tasks:
        for chan, send, parent_only in producer.sends:
            readers = [
                (task, end)
                for task in tasks
                if task.literal != producer.literal
                for c, _, end, _ in task.receives
                if c == chan
            ]
            quitter = next(
                (ret for task, end in readers for ret in task.error_returns if ret.end_byte <= end),
                None,
            )
            if quitter is None:
                continue
            capacity = _make_capacity(_outermost_function(func) or func, chan, ctx)
            if capacity is not None and "len(" in capacity:
                continue  # buffered for every item: the sends cannot block
            confidence = "high" if capacity == "" and not parent_only else "medium"
            line = ctx.source.user_line(quitter)
            if parent_only:
                message = (
                    f"`{ctx.text(send)}` waits only on `{made[2]}.Done()`, a context `{recv}` does not cancel; "
                    f"when the task reading `{chan}` returns an error (line {line}) it blocks and `{recv}.Wait()` hangs"
                )
            else:
                message = (
                    f"`{ctx.text(send)}` in a `{recv}.Go` task does not watch the group context; "
                    f"when the task reading `{chan}` returns an error (line {line}) it blocks forever and `{recv}.Wait()` never returns"
                )
            ctx.report("errgroup-stuck", send, message, confidence)


def _stuck_receivers(tasks: list[_Task], recv: str, ctx: CodeContext) -> None:
    """A task reads until the channel is closed, and the one task that sends closes it only
    after a path that returns an error."""
    for consumer in tasks:
        for chan, node, _, guarded in consumer.receives:
            if guarded:
                continue
            producers = [t for t in tasks if t.literal != consumer.literal and any(c == chan for c, _, _ in t.sends)]
            if len(producers) != 1 or producers[0].repeated:
                continue
            producer = producers[0]
            close, deferred = producer.closes.get(chan, (None, True))
            if close is None or deferred:
                continue
            early = next((r for r in producer.error_returns if r.start_byte < close.start_byte), None)
            if early is None:
                continue
            what = f"`for ... range {chan}`" if node.type == "for_statement" else f"`<-{chan}`"
            ctx.report(
                "errgroup-stuck",
                node,
                f"{what} waits for `close({chan})`, which the sending task skips when it returns an error (line {ctx.source.user_line(early)}); "
                f"this task then blocks and `{recv}.Wait()` never returns",
            )


def _function_name(func, ctx: CodeContext) -> str | None:
    """The name a function is called by: its declared name, or the variable a literal is assigned to."""
    if func.type != "func_literal":
        name = func.child_by_field_name("name")
        return ctx.text(name) if name is not None else None
    parent = func.parent
    statement = parent.parent if parent is not None and parent.type == "expression_list" else parent
    if statement is None or statement.type not in ("assignment_statement", "short_var_declaration", "var_spec"):
        return None
    right = statement.child_by_field_name("right" if statement.type != "var_spec" else "value")
    values = right.named_children if right is not None and right.type == "expression_list" else [right]
    names = assigned_names(statement, ctx.text) if statement.type != "var_spec" else [ctx.text(n) for n in statement.children_by_field_name("name")]
    return names[values.index(func)] if func in values and len(names) == len(values) else None


def _go_under_limit(tasks: list[_Task], recv: str, outer, ctx: CodeContext) -> None:
    """With SetLimit, tasks that call g.Go on their own group can hold every slot while
    they wait for one: several such tasks (started in a loop, or recursively) deadlock."""
    limits = [call for call, callee in calls(walk(outer), ctx.text) if callee == f"{recv}.SetLimit"]
    if not limits:
        return
    for task in tasks:
        body = task.literal.child_by_field_name("body")
        home = enclosing_function(task.call)
        launcher = _function_name(home, ctx)
        # Recursion shares the slots only when the group is limited outside the launcher;
        # a function that makes its own group on each call has fresh slots each time.
        shared = all(not (home.start_byte <= c.start_byte < home.end_byte) for c in limits)
        recursive = launcher is not None and shared and any(callee == launcher for _, callee in calls(walk(body), ctx.text))
        for call, callee in calls(walk(body), ctx.text):
            if recursive and callee == launcher:
                how = f"calls `{launcher}`, which starts a task with `{recv}.Go`"
            elif callee == f"{recv}.Go" and task.repeated:
                how = f"calls `{recv}.Go`"
            else:
                continue
            ctx.report(
                "errgroup-stuck",
                call,
                f"a task of `{recv}` (limited by `{recv}.SetLimit`) {how}: when every slot is held by a task waiting there, none returns",
                "medium",
            )


# --- unbounded-spawn -----------------------------------------------------------------

# Library calls that return a receive channel of incoming messages.
CHANNEL_METHODS = {"Messages", "Channel", "ResultChan"}
# Library calls that read one incoming message (a connection's Accept is not one: a
# goroutine per connection is the normal server shape, bounded by the connections).
MESSAGE_METHODS = {"Recv", "RecvMsg", "ReadMessage", "FetchMessage", "NextMsg", "NextMessage", "ReceiveMessage", "ReadFromUDP", "ReadMsgUDP"}
LIMITERS = ("acquire", "limit", "throttle", "reserve", "semaphore", "wait")


def _file_channels(ctx: CodeContext) -> tuple[set[str], set[str], set[str]]:
    """Struct fields, functions (by name) and package variables of channel type in this file."""
    fields: set[str] = set()
    funcs: set[str] = set()
    globals_: set[str] = set()
    for node in _channel_declarations(ctx):
        if node.type == "field_declaration":
            typ = node.child_by_field_name("type")
            if typ is not None and typ.type == "channel_type":
                fields.update(ctx.text(n) for n in node.children_by_field_name("name"))
        elif node.type in ("function_declaration", "method_declaration"):
            result = node.child_by_field_name("result")
            if result is None:
                continue
            first = result if result.type == "channel_type" else next((c for c in result.named_children if c.type == "parameter_declaration"), None)
            if first is not None and (first.type == "channel_type" or (first.child_by_field_name("type") is not None and first.child_by_field_name("type").type == "channel_type")):
                funcs.add(ctx.text(node.child_by_field_name("name")))
        elif node.type == "var_spec" and enclosing_function(node) is None:
            typ = node.child_by_field_name("type")
            if (typ is not None and typ.type == "channel_type") or _makes_channel(node.child_by_field_name("value"), ctx):
                globals_.update(ctx.text(n) for n in node.children_by_field_name("name"))
    return fields, funcs, globals_


def _channel_declarations(ctx: CodeContext) -> list:
    """The nodes _file_channels looks at that can hold a channel type: the field
    declarations, functions and var specs around each `chan` type (every node when the
    tree has syntax errors)."""
    if ctx.source.root.has_error:
        return ctx.nodes
    found = {}
    for chan in ctx.with_keyword("chan", "channel_type"):
        node = chan.parent
        if node is not None and node.type in ("parameter_declaration", "argument_list"):
            node = node.parent  # a result `(c chan T)`, or make(chan T)
            if node is not None and node.type in ("parameter_list", "call_expression"):
                node = node.parent
                if node is not None and node.type == "expression_list":
                    node = node.parent  # var c = make(chan T)
        if node is not None and node.type in ("field_declaration", "function_declaration", "method_declaration", "var_spec"):
            found[node.id] = node
    return list(found.values())


def _makes_channel(value, ctx: CodeContext) -> bool:
    if value is None:
        return False
    call = value.named_children[0] if value.type == "expression_list" and value.named_children else value
    if call.type != "call_expression" or ctx.text(call.child_by_field_name("function")) != "make":
        return False
    arg = _first_arg(call)
    return arg is not None and arg.type == "channel_type"


def _local_channels(func, funcs: set[str], ctx: CodeContext) -> set[str]:
    """Names that hold a channel in a function: parameters, `make(chan ...)`, `var c chan T`,
    results of the file's channel-returning functions."""
    names: set[str] = set()
    while func is not None:
        params = func.child_by_field_name("parameters")
        for decl in walk(params) if params is not None else ():
            if decl.type == "parameter_declaration" and (t := decl.child_by_field_name("type")) is not None and t.type == "channel_type":
                names.update(ctx.text(n) for n in decl.children_by_field_name("name"))
        for statement, left, values in _channel_assignments(func, funcs, ctx):
            if statement.type == "var_spec" and (t := statement.child_by_field_name("type")) is not None and t.type == "channel_type":
                names.update(left)
            for i, value in enumerate(values[:1] if len(values) < len(left) else values):
                name = left[i] if i < len(left) else None
                if name is None or name == "_":
                    continue
                if _makes_channel(value, ctx):
                    names.add(name)
                elif value.type == "call_expression":
                    callee = ctx.text(value.child_by_field_name("function"))
                    last = callee.rsplit(".", 1)[-1]
                    if last in funcs or last in CHANNEL_METHODS or (last == "Consume" and "." in callee):
                        names.add(name)
        func = enclosing_function(func)
    return names


def _channel_assignments(func, funcs: set[str], ctx: CodeContext):
    """The part of `_assignments(func)` that can give a name a channel, in no particular
    order: the statements around a `chan` type (`var c chan T`, `make(chan T)`) and around
    a call of a channel-returning function."""
    if ctx.source.root.has_error:
        yield from _assignments(func, ctx)
        return
    start, end = func.start_byte, func.end_byte
    found = {}
    names = sorted(n for n in funcs | CHANNEL_METHODS | {"Consume"} if n)
    for node in [c for c in ctx.with_keyword("chan", "channel_type") if start <= c.start_byte < end] + [c for c, _ in ctx.calls_named(*names, within=func)]:
        while node is not None and node.start_byte >= start:
            if node.type in ("short_var_declaration", "assignment_statement", "var_spec") and node.end_byte <= end:
                found[node.id] = node
            node = node.parent
    for node in found.values():
        if node.type in ("short_var_declaration", "assignment_statement"):
            right = node.child_by_field_name("right")
            yield node, assigned_names(node, ctx.text), right.named_children if right is not None else []
        else:
            value = node.child_by_field_name("value")
            yield node, [ctx.text(n) for n in node.children_by_field_name("name")], value.named_children if value is not None else []


def _is_channel(expr, local: set[str], fields: set[str], funcs: set[str], globals_: set[str], ctx: CodeContext) -> bool:
    if expr.type == "identifier":
        return ctx.text(expr) in local or ctx.text(expr) in globals_
    if expr.type == "selector_expression":
        return ctx.text(expr.child_by_field_name("field")) in fields
    if expr.type == "call_expression":
        last = ctx.text(expr.child_by_field_name("function")).rsplit(".", 1)[-1]
        return last in funcs or last in CHANNEL_METHODS
    return False


def _time_channel(chan: str) -> bool:
    return chan.endswith(".C") or chan.startswith("time.")


def _loop_items(loop, spawn, chans, ctx: CodeContext) -> tuple[str, set[str]] | None:
    """(source, names bound to each incoming item) when the loop takes one message per
    iteration from a channel or a message stream; None for other loops. `chans()` gives
    the names known to hold channels."""
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    bound: set[str] = set()
    source = None
    if clause is not None:
        right = clause.child_by_field_name("right")
        left = clause.child_by_field_name("left")
        if right is None or left is None or _time_channel(ctx.text(right)):
            return None
        bound = {ctx.text(n) for n in left.named_children} - {"_"}
        if not bound or not _is_channel(right, *chans(), ctx):
            return None
        source = ctx.text(right)
    elif not any(c.type == "for_clause" for c in loop.named_children):  # for { ... } or for !closed { ... }
        for node in _walk_here(loop.child_by_field_name("body")):
            if node.start_byte >= spawn.start_byte:
                continue
            names: list[str] = []
            if node.type in ("short_var_declaration", "assignment_statement", "receive_statement"):
                right = node.child_by_field_name("right")
                value = right.named_children[0] if right is not None and right.type == "expression_list" and right.named_children else right
                if value is None:
                    continue
                chan = _received(value, ctx)
                if chan is not None and not _time_channel(chan):
                    what = f"<-{chan}"
                elif value.type == "call_expression" and receiver_and_method(ctx.text(value.child_by_field_name("function")))[1] in MESSAGE_METHODS:
                    what = ctx.text(value.child_by_field_name("function")) + "()"
                else:
                    continue
                left = node.child_by_field_name("left")
                names = [ctx.text(n) for n in left.named_children] if left is not None else []
                names = [n for n in names if n not in ("_", "err", "ok")]
                if names:
                    source = source or what
                    bound.update(names)
        if source is None:
            return None
    else:
        return None
    # Values computed from an item are the item too: `req := decode(msg)`, and
    # `json.Unmarshal(msg, &req)`.
    for node in _walk_here(loop.child_by_field_name("body")):
        if node.start_byte >= spawn.start_byte:
            break
        if node.type == "short_var_declaration":
            right = node.child_by_field_name("right")
            if right is not None and _identifiers(right, ctx) & bound:
                bound.update(set(assigned_names(node, ctx.text)) - {"_", "err", "ok"})
        elif node.type == "argument_list" and _identifiers(node, ctx) & bound:
            for arg in node.named_children:
                operand = arg.child_by_field_name("operand") if arg.type == "unary_expression" else None
                if operand is not None and ctx.text(arg).startswith("&") and operand.type == "identifier":
                    bound.add(ctx.text(operand))
    return (source, bound) if bound else None


def _limited(loop, spawn, ctx: CodeContext) -> bool:
    """Something in the loop bounds the goroutines: before the spawn, a semaphore send or
    receive or an Acquire/limiter call; anywhere in the loop, a Wait (batches)."""
    for node in _walk_here(loop.child_by_field_name("body")):
        before = node.start_byte < spawn.start_byte
        if before and node.type == "send_statement":
            return True
        if before and node.type == "expression_statement" and node.named_children and _received(node.named_children[0], ctx) is not None:
            return True
        if node.type == "call_expression" and enclosing(node, ("go_statement",), stop=("for_statement",)) is None:
            name = receiver_and_method(ctx.text(node.child_by_field_name("function")))[1].lower()
            if name.startswith("wait") or (before and any(word in name for word in LIMITERS)):
                return True
    return False


def _acquires_inside(spawned, ctx: CodeContext) -> bool:
    """The goroutine takes a semaphore slot itself: `sem <- struct{}{}` or `sem.Acquire(...)`."""
    for node in walk(spawned):
        if node.type == "send_statement" and ctx.text(node.child_by_field_name("value")).replace(" ", "") in ("struct{}{}", "true", "1"):
            return True
        if node.type == "call_expression" and "acquire" in receiver_and_method(ctx.text(node.child_by_field_name("function")))[1].lower():
            return True
    return False


def _spawns(ctx: CodeContext):
    """(node, what it starts, group receiver or None) for each `go` statement and each
    `x.Go(func ...)` call."""
    # The calls `go` starts and the calls of a method Go: the only ones that can be spawns.
    found = {call.id: call for call, _ in ctx.calls_named("Go")}
    for statement in _keyword_nodes(ctx, "go", "go_statement"):
        for call in statement.named_children:
            if call.type == "call_expression":
                found[call.id] = call
    for call in sorted(found.values(), key=lambda n: (n.start_byte, -n.end_byte)):
        function = call.child_by_field_name("function")
        if function is None:
            continue
        callee = ctx.text(function)
        if call.parent is not None and call.parent.type == "go_statement":
            yield call.parent, "go func" if function.type == "func_literal" else f"go {callee}", None
        elif callee.endswith(".Go"):
            arg = _first_arg(call)
            if arg is not None and arg.type == "func_literal":
                yield call, callee, callee[: -len(".Go")]


def _bounded_group(func, group: str, ctx: CodeContext) -> bool:
    """`g.SetLimit(n)` is called, or g was built with a cap (`pool.New().WithMaxGoroutines(n)`)."""
    if any(c == f"{group}.SetLimit" for _, c in calls(walk(func), ctx.text)):
        return True
    return any(
        group in names and any(word in ctx.text(v).lower() for v in values for word in ("max", "limit"))
        for _, names, values in _assignments(func, ctx)
    )


@detector("unbounded-spawn", b"go ", b".Go(")
def unbounded_spawn(ctx: CodeContext) -> None:
    cache: dict = {}

    def channels(func):
        """(local names, fields, functions, package variables) of channel type, computed once."""
        if "file" not in cache:
            cache["file"] = _file_channels(ctx)
        if func.start_byte not in cache:
            cache[func.start_byte] = _local_channels(func, cache["file"][1], ctx)
        return (cache[func.start_byte], *cache["file"])

    for spawn, what, group in _spawns(ctx):
        func = enclosing_function(spawn)
        loop = enclosing(spawn, ("for_statement",))
        if loop is None or func is None:
            continue
        if group is not None and _bounded_group(_outermost_function(spawn) or func, group, ctx):
            continue
        while loop is not None:
            items = _loop_items(loop, spawn, lambda func=func: channels(func), ctx)
            if items is not None:
                break
            loop = enclosing(loop, ("for_statement",))
        if items is None:
            continue
        source, bound = items
        if not _identifiers(spawn, ctx) & bound or _limited(loop, spawn, ctx):
            continue
        late = _acquires_inside(spawn if group is None else _first_arg(spawn), ctx)
        extra = "; the semaphore taken inside it limits the work, not the goroutines" if late else ""
        ctx.report(
            "unbounded-spawn",
            spawn,
            f"`{what}` starts a goroutine for every item from `{source}`, with nothing limiting how many run at once{extra}",
            "medium",
        )


# --- rwmutex-reentrant ---------------------------------------------------------------


@dataclass
class _Unit:
    """A method or function: the locks it takes itself and the same-file calls it makes."""

    node: object
    receiver: str | None
    locks: dict = field(default_factory=dict)  # lock key -> first Lock/RLock call
    events: list = field(default_factory=list)  # (call node, key, method)
    deferred: set = field(default_factory=set)  # keys with a deferred RUnlock
    calls: list = field(default_factory=list)  # (call node, unit key)


def _receiver(method, ctx: CodeContext) -> tuple[str | None, str | None]:
    params = method.child_by_field_name("receiver")
    decl = next((c for c in params.named_children if c.type == "parameter_declaration"), None) if params is not None else None
    if decl is None:
        return None, None
    name = decl.child_by_field_name("name")
    typ = decl.child_by_field_name("type")
    while typ is not None and typ.type in ("pointer_type", "generic_type", "parenthesized_type"):
        typ = typ.child_by_field_name("type") if typ.type == "generic_type" else typ.named_children[0] if typ.named_children else None
    return (ctx.text(name) if name is not None else None), (ctx.text(typ) if typ is not None else None)


def _lock_key(recv: str, receiver: str | None, globals_: set[str]):
    """("recv", "mu") for `r.mu` when r is the receiver; ("global", "mu") for a package mutex."""
    if receiver and recv == receiver:
        return ("recv", "")
    if receiver and recv.startswith(receiver + "."):
        return ("recv", recv[len(receiver) + 1 :])
    if recv in globals_:
        return ("global", recv)
    return None


def _units(ctx: CodeContext) -> dict:
    if ctx.source.root.has_error:
        var_specs = ctx.of_type("var_spec")
        declarations = ctx.of_type("function_declaration", "method_declaration")
    else:  # every var spec is one of a var declaration's specs; every function starts with `func`
        var_specs = [s for d in ctx.with_keyword("var", "var_declaration") for s in _var_specs(d)]
        declarations = ctx.with_keyword("func", "function_declaration", "method_declaration")
    globals_ = {
        ctx.text(n)
        for node in var_specs
        if node.type == "var_spec" and enclosing_function(node) is None
        for n in node.children_by_field_name("name")
    }
    units: dict = {}
    keyed = []
    for node in declarations:
        if node.type == "method_declaration":
            receiver, typ = _receiver(node, ctx)
            key = (typ, ctx.text(node.child_by_field_name("name")))
        elif node.type == "function_declaration":
            receiver, key = None, (None, ctx.text(node.child_by_field_name("name")))
        else:
            continue
        unit = units[key] = _Unit(node, receiver)
        keyed.append((key, unit))
    # A unit's own calls that matter: lock steps, and calls of a function or method of the
    # file (the others are not in `units`, so _acquirers and the detector skip them).
    own = _own_calls(ctx, [unit.node for _, unit in keyed], sorted({k[1] for k, _ in keyed} | {"Lock", "RLock", "Unlock", "RUnlock"}))
    for key, unit in keyed:
        receiver = unit.receiver
        for call, callee in own.get(unit.node.id, ()):
            recv, method = receiver_and_method(callee)
            if method in ("Lock", "RLock", "Unlock", "RUnlock") and recv:
                lock = _lock_key(recv, receiver, globals_)
                if lock is None:
                    continue
                if enclosing(call, ("defer_statement",)) is not None:
                    if method == "RUnlock":
                        unit.deferred.add(lock)
                    continue
                if call.parent is not None and call.parent.type == "expression_statement":
                    unit.events.append((call, lock, method))
                    # The first step on each lock. A function that starts by releasing it
                    # expects it held (it upgrades or drops it): not a second acquirer.
                    unit.locks.setdefault(lock, (call, method))
            elif enclosing(call, ("go_statement", "defer_statement")) is None:
                if receiver and recv == receiver:
                    unit.calls.append((call, (key[0], method)))
                elif not recv:
                    unit.calls.append((call, (None, method)))
    return units


def _var_specs(declaration) -> list:
    """The specs of `var x T` and of `var ( ... )`."""
    specs = []
    for child in declaration.named_children:
        specs.extend(child.named_children if child.type == "var_spec_list" else [child])
    return specs


_ASCII_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_RUN = re.compile(rb"[A-Za-z0-9_]+")


def _calls_named(ctx: CodeContext, names: list) -> list:
    """`ctx.calls_named(*names)` for many names at once: one search of the text for all of
    them (a file's function names are asked for once, so per-name searches do not pay)."""
    if not all(_ASCII_WORD.fullmatch(n) for n in names):
        return ctx.calls_named(*names)
    words = {n.encode() for n in names}
    found = []
    for m in _WORD_RUN.finditer(ctx.source.text):
        if m.group() not in words:
            continue
        start, end = m.span()
        token = ctx.source.descendant(start, end)
        if token is None or token.start_byte != start or token.end_byte != end or token.child_count != 0:
            continue
        call = call_of(token)
        if call is not None:
            found.append(call)
    found.sort(key=source_order)
    return [(call, ctx.text(call.child_by_field_name("function"))) for call in found]


def _own_calls(ctx: CodeContext, functions: list, names: list) -> dict:
    """function id -> [(call, callee text)] for the calls `name(...)` / `x.name(...)` in the
    function's body outside nested func literals (what calls(own_nodes(f)) gives for those
    names), in source order."""
    if ctx.source.root.has_error:
        return {f.id: [(c, t) for c, t in calls(own_nodes(f), ctx.text) if receiver_and_method(t)[1] in names] for f in functions}
    wanted = {f.id: f for f in functions}
    out: dict = {}
    for call, callee in _calls_named(ctx, names):
        func = enclosing_function(call)
        body = func.child_by_field_name("body") if func is not None and func.id in wanted else None
        if body is not None and body.start_byte <= call.start_byte and call.end_byte <= body.end_byte:
            out.setdefault(func.id, []).append((call, callee))
    return out


def _acquirers(units: dict) -> dict:
    """unit key -> {lock key: (chain of unit names, "RLock" or "Lock")}: the locks each unit
    takes itself or through same-file calls on the same receiver (three calls deep)."""
    taken = {k: {lock: ([k[1]], how) for lock, (_, how) in u.locks.items() if how in ("Lock", "RLock")} for k, u in units.items()}
    for _ in range(3):
        changed = False
        for key, unit in units.items():
            for _, callee in unit.calls:
                if callee not in taken or callee == key:
                    continue
                for lock, (chain, how) in taken[callee].items():
                    if lock[0] == "recv" and callee[0] is None:
                        continue
                    if lock not in taken[key]:
                        taken[key][lock] = ([key[1], *chain], how)
                        changed = True
        if not changed:
            break
    return taken


@detector("rwmutex-reentrant", b"RLock()")
def rwmutex_reentrant(ctx: CodeContext) -> None:
    units = _units(ctx)
    taken = None
    for key, unit in units.items():
        for call, lock, method in unit.events:
            if method != "RLock":
                continue
            end = next((c.start_byte for c, lk, m in unit.events if lk == lock and m == "RUnlock" and c.start_byte > call.start_byte), None)
            if end is None and lock in unit.deferred:
                end = unit.node.end_byte
            if end is None:
                continue  # released elsewhere: not ours to judge
            if taken is None:
                taken = _acquirers(units)
            for inner, callee in unit.calls:
                if not call.end_byte <= inner.start_byte < end or callee not in taken or lock not in taken[callee]:
                    continue
                if lock[0] == "recv" and callee[0] != key[0]:
                    continue
                chain, how = taken[callee][lock]
                mutex = f"{unit.receiver}.{lock[1]}".rstrip(".") if lock[0] == "recv" else lock[1]
                via = "" if len(chain) == 1 else f" (through {' -> '.join(chain)})"
                name = ctx.text(inner.child_by_field_name("function"))
                if how == "RLock":
                    message = f"`{name}()` takes `{mutex}.RLock()` again{via} while this function holds it: a writer queued in between deadlocks both"
                else:
                    message = f"`{name}()` calls `{mutex}.Lock()`{via} while this function holds `{mutex}.RLock()`: it waits for itself"
                ctx.report("rwmutex-reentrant", inner, message, "high" if len(chain) == 1 else "medium")


# --- select-all-nil ------------------------------------------------------------------


@detector("select-all-nil", b"select")
def select_all_nil(ctx: CodeContext) -> None:
    if b"= nil" not in ctx.source.text:
        return  # no channel is ever switched off
    for select in _keyword_nodes(ctx, "select", "select_statement"):
        if select.type != "select_statement":
            continue
        cases = [c for c in select.named_children if c.type in ("communication_case", "default_case")]
        if not cases or any(c.type == "default_case" for c in cases):
            continue
        loop = enclosing(select, ("for_statement",))
        if loop is None or [c.type for c in loop.named_children] != ["block"]:
            continue  # a loop condition can end it (`for a != nil || b != nil`)
        body = loop.child_by_field_name("body")
        chans = [_case_channel(c, ctx) for c in cases]
        if any(c is None or not c.isidentifier() for c in chans):
            continue
        disabled: set[str] = set()
        revived: set[str] = set()
        for node in _walk_here(body):
            if node.type != "assignment_statement":
                continue
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None or len(left.named_children) != len(right.named_children):
                continue
            for target, value in zip(left.named_children, right.named_children):
                (disabled if value.type == "nil" else revived).add(ctx.text(target))
        names = sorted(set(chans))
        if not set(names) <= disabled or set(names) & revived:
            continue
        if _loop_exits(loop, ctx):
            continue
        ctx.report(
            "select-all-nil",
            select,
            f"every case of this select uses a channel the loop sets to nil ({', '.join(f'`{n}`' for n in names)}) and the `for` has no exit: once all are nil it blocks forever",
        )


# --- grpc-stream-unfinished ----------------------------------------------------------

CANCELLING = ("context.WithCancel", "context.WithTimeout", "context.WithDeadline", "context.WithCancelCause", "context.WithTimeoutCause", "context.WithDeadlineCause")


def _context_arg(arg, ctx: CodeContext) -> bool:
    text = ctx.text(arg)
    return "ctx" in text.lower() or text.startswith("context.") or text.endswith(".Context()")


def _stream_uses(func, stream: str, after: int, ctx: CodeContext) -> tuple[list, bool]:
    """(method calls on the stream, whether the stream value escapes: returned, stored,
    passed on or captured by a goroutine)."""
    methods = []
    escapes = False
    for node in walk(func):
        if node.type != "identifier" or node.start_byte < after or ctx.text(node) != stream:
            continue
        parent = node.parent
        if parent.type == "selector_expression" and parent.child_by_field_name("operand") == node and parent.parent is not None and parent.parent.type == "call_expression":
            methods.append((parent.parent, ctx.text(parent.child_by_field_name("field"))))
            if enclosing(node, ("go_statement",)) is not None:
                escapes = True
        else:
            escapes = True
    return methods, escapes


def _cancelled_here(func, name: str, before: int, ctx: CodeContext) -> bool:
    """`name, cancel := context.WithCancel(...)` (or a timeout) before the stream opens."""
    return any(
        statement.start_byte < before
        and len(names) > 1
        and names[0] == name
        and names[1] != "_"
        and values
        and values[0].type == "call_expression"
        and ctx.text(values[0].child_by_field_name("function")) in CANCELLING
        for statement, names, values in _assignments(func, ctx)
    )


def _never_cancelled(func, arg, ctx: CodeContext) -> bool:
    text = ctx.text(arg)
    if text in ("context.Background()", "context.TODO()"):
        return True
    for _, names, values in _assignments(func, ctx):
        if names and names[0] == text and values and ctx.text(values[0]) in ("context.Background()", "context.TODO()"):
            return True
    return False


def _guarded(exit_node, loop, watched: set[str], ctx: CodeContext) -> bool:
    """The exit is taken on the stream's error (or its context's end)."""
    node = exit_node.parent
    while node is not None and node != loop:
        if node.type == "if_statement" and _identifiers(node.child_by_field_name("condition"), ctx) & watched:
            return True
        if node.type == "expression_case" and _identifiers(node.child_by_field_name("value"), ctx) & watched:
            return True
        if node.type == "expression_switch_statement" and (v := node.child_by_field_name("value")) is not None and _identifiers(v, ctx) & watched:
            return True
        if node.type == "communication_case" and (_done_of(node, ctx) or "") in watched:
            return True
        node = node.parent
    return False


def _expects_end(func, recvs: list, ctx: CodeContext) -> bool:
    """The error of a lone Recv is compared with something other than nil (`err != io.EOF`,
    `status.Code(err) != codes.X`): the code expects the stream to end there."""
    names = set()
    for call in recvs:
        statement = enclosing(call, ("short_var_declaration", "assignment_statement"))
        if statement is not None:
            names.update(n for n in assigned_names(statement, ctx.text)[1:] if n != "_")
    for node in walk(func):
        if node.type == "if_statement" and node.end_byte > recvs[0].start_byte:
            condition = node.child_by_field_name("condition")
            if condition is not None and _identifiers(condition, ctx) & names and ctx.text(condition).replace(" ", "") not in {f"{n}!=nil" for n in names} | {f"{n}==nil" for n in names}:
                return True
    return False


def _stream_openings(ctx: CodeContext):
    """`_assignments` of the whole file, without the top-level declarations that never
    mention Recv or CloseSend: a stream is only reported when its function calls one."""
    text = ctx.source.text
    for top in ctx.source.root.children:
        if b"Recv" in text[top.start_byte : top.end_byte] or b"CloseSend" in text[top.start_byte : top.end_byte]:
            yield from _assignments(top, ctx)


@detector("grpc-stream-unfinished", b".Recv()", b".CloseSend()")
def grpc_stream_unfinished(ctx: CodeContext) -> None:
    for statement, names, values in _stream_openings(ctx):
        if len(names) != 2 or len(values) != 1 or names[0] == "_" or "." in names[0] or values[0].type != "call_expression":
            continue
        call = values[0]
        callee = ctx.text(call.child_by_field_name("function"))
        arg = _first_arg(call)
        func = enclosing_function(statement)
        if "." not in callee or arg is None or not _context_arg(arg, ctx) or func is None:
            continue
        stream = names[0]
        methods, escapes = _stream_uses(func, stream, statement.end_byte, ctx)
        used = {m for _, m in methods}
        if escapes or not used & {"Recv", "CloseSend"}:
            continue
        if arg.type == "identifier" and _cancelled_here(func, ctx.text(arg), call.start_byte, ctx):
            continue
        never = _never_cancelled(func, arg, ctx)
        confidence = "high" if never else "medium"
        whose = f"`{ctx.text(arg)}` is never cancelled" if never else f"nothing here cancels `{ctx.text(arg)}`"
        recvs = [c for c, m in methods if m in ("Recv", "RecvMsg")]
        if not recvs:
            if "CloseSend" in used and not used & {"CloseAndRecv", "RecvMsg"}:
                close = next(c for c, m in methods if m == "CloseSend")
                ctx.report(
                    "grpc-stream-unfinished",
                    close,
                    f"`{stream}.CloseSend()` only half-closes the stream from `{callee}`; it is never read to the end and {whose}",
                    confidence,
                )
            continue
        loops = [enclosing(c, ("for_statement",)) for c in recvs]
        loops = [lp for lp in loops if lp is not None and lp.start_byte > func.start_byte and enclosing_function(lp) == func]
        if not loops:
            if _expects_end(func, recvs, ctx):
                continue  # the one Recv is expected to fail (io.EOF, a status): that ends the stream
            ctx.report(
                "grpc-stream-unfinished",
                recvs[0],
                f"`{stream}.Recv()` reads one message from `{callee}` and stops before io.EOF; {whose}, so the stream stays open",
                confidence,
            )
            continue
        loop = loops[0]
        if any(c.start_byte > loop.end_byte for c in recvs):
            continue  # read again after the loop: drained there
        errors = {stream}
        for c in recvs:
            st = enclosing(c, ("short_var_declaration", "assignment_statement"))
            if st is not None:
                errors.update(n for n in assigned_names(st, ctx.text)[1:] if n != "_")
        if arg.type == "identifier":
            errors.add(ctx.text(arg))
        first = min(c.start_byte for c in recvs)
        for exit_node in _loop_exits(loop, ctx):
            if exit_node.type == "call_expression" or exit_node.start_byte < first or _guarded(exit_node, loop, errors, ctx):
                continue  # a call that never returns ends the program or goroutine, not just the loop
            ctx.report(
                "grpc-stream-unfinished",
                exit_node,
                f"leaves the `{stream}.Recv()` loop before the stream from `{callee}` ends; {whose}, so the stream stays open",
                confidence,
            )
            break
