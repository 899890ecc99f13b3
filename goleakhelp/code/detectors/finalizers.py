"""Finalizers and cleanups: an object its own finalizer or cleanup can reach (so it is never
unreachable and the function never runs), and finalizers that block the one goroutine that
runs them all.

Reachability is judged from the names of one function: `a.peer = b`, `b := &T{peer: a}`,
`list.items = append(list.items, a)` and closures that mention a name are edges between
names. A pointer from an object to itself (`x.self = x`) is no cycle: the GC skips pointers
back into the object it scans for a finalizer (runtime/mgcmark.go, scanObject)."""

from __future__ import annotations

from itertools import pairwise

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assigned_names, assignment_of, enclosing_function, own_nodes, walk

SET = "runtime.SetFinalizer"
ADD = "runtime.AddCleanup"

def _args(call) -> list:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def _unparen(node):
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _root_name(node, text) -> str:
    """`x` for `x`, `&x`, `x.a.b`, `x[i].a`; "" for anything else."""
    node = _unparen(node)
    if node is not None and node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "&":
        node = _unparen(node.child_by_field_name("operand"))
    while node is not None and node.type in ("selector_expression", "index_expression", "parenthesized_expression"):
        node = node.child_by_field_name("operand") if node.type != "parenthesized_expression" else _unparen(node)
    return text(node) if node is not None and node.type == "identifier" else ""


def _declared(literal, text) -> set[str]:
    """Names a function literal declares itself (parameters, results, locals)."""
    names: set[str] = set()
    for node in walk(literal):
        if node.type in ("short_var_declaration", "range_clause", "receive_statement"):
            if node.type == "range_clause" and not any(c.type == ":=" for c in node.children):
                continue
            if node.type == "receive_statement" and not any(c.type == ":=" for c in node.children):
                continue
            left = node.child_by_field_name("left")
            names.update(text(n) for n in (left.named_children if left is not None else []) if n.type == "identifier")
        elif node.type in ("var_spec", "const_spec", "parameter_declaration", "variadic_parameter_declaration"):
            names.update(text(n) for n in node.children_by_field_name("name"))
    return names


def _is_key(ident) -> bool:
    """`name` in `T{name: v}`: a field key, not a use of a variable."""
    parent = ident.parent
    return parent is not None and parent.type == "literal_element" and parent.parent is not None and parent.parent.type == "keyed_element" and parent.parent.named_children[0] == parent


def _free_names(literal, text) -> set[str]:
    """Names a function literal uses from outside (what its closure captures)."""
    body = literal.child_by_field_name("body")
    if body is None:
        return set()
    used = {text(n) for n in walk(body) if n.type == "identifier" and not _is_key(n)}
    return used - _declared(literal, text) - {"_", "nil", "true", "false", "iota"}


def _value_names(expr, text, through: bool = False) -> list[tuple[str, bool, object]]:
    """(name, through another object, node) for each pointer an expression stores when
    assigned: `v`, `&v`, `&v.f`, the values of `&T{f: v}` and `[]*T{v}`, append's extra
    arguments, the names a func literal captures. `through` is True when the pointer goes
    via a separate heap object (a &T{...}, a slice's array, a closure)."""
    expr = _unparen(expr)
    if expr is None:
        return []
    if expr.type == "identifier":
        return [(text(expr), through, expr)] if text(expr) not in ("nil", "true", "false", "_") else []
    if expr.type == "unary_expression" and text(expr.child_by_field_name("operator")) == "&":
        operand = _unparen(expr.child_by_field_name("operand"))
        if operand is not None and operand.type == "composite_literal":
            return _value_names(operand, text, True)
        root = _root_name(operand, text) if operand is not None else ""
        return [(root, through, expr)] if root else []
    if expr.type == "composite_literal":
        kind = expr.child_by_field_name("type")
        inner = through or (kind is not None and kind.type in ("slice_type", "map_type", "implicit_length_array_type"))
        body = expr.child_by_field_name("body")
        out = []
        for element in body.named_children if body is not None else []:
            value = element.named_children[-1] if element.type == "keyed_element" and element.named_children else element
            if value.type == "literal_element" and value.named_children:
                value = value.named_children[0]
            if value.type == "literal_value":  # elided type: `{f: v}` inside a slice literal
                for sub in value.named_children:
                    sub = sub.named_children[-1] if sub.type == "keyed_element" and sub.named_children else sub
                    if sub.type == "literal_element" and sub.named_children:
                        out += _value_names(sub.named_children[0], text, True)
                continue
            out += _value_names(value, text, inner)
        return out
    if expr.type == "call_expression" and text(expr.child_by_field_name("function")) == "append":
        return [v for a in _args(expr)[1:] for v in _value_names(a, text, True)]
    if expr.type == "func_literal":
        return [(name, True, expr) for name in sorted(_free_names(expr, text))]
    return []


def _edges(func, text) -> dict[str, list[tuple[str, bool, object]]]:
    """name -> [(name it points to, through another object, statement)] from the stores and
    composite literals of one function (nested literals included)."""
    edges: dict[str, list[tuple[str, bool, object]]] = {}

    def add(source: str, values, statement) -> None:
        for target, through, _ in values:
            if target != source or through:  # x.self = x points into x itself: not a cycle
                edges.setdefault(source, []).append((target, through, statement))

    for node in walk(func):
        if node.type == "assignment_statement" and text(node.child_by_field_name("operator")) == "=":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or len(left.named_children) != len(right.named_children):
                continue
            for target, value in zip(left.named_children, right.named_children):
                if target.type in ("selector_expression", "index_expression") and (source := _root_name(target, text)):
                    add(source, _value_names(value, text), node)
        elif node.type in ("short_var_declaration", "var_spec"):
            if node.type == "var_spec":
                names = [text(n) for n in node.children_by_field_name("name")]
                right = node.child_by_field_name("value")
            else:
                names = assigned_names(node, text)
                right = node.child_by_field_name("right")
            values = right.named_children if right is not None else []
            for name, value in zip(names, values):
                value = _unparen(value)
                if value.type == "unary_expression" and text(value.child_by_field_name("operator")) == "&":
                    value = _unparen(value.child_by_field_name("operand"))
                if value is not None and value.type == "composite_literal":
                    add(name, _value_names(value, text), node)
    return edges


def _path(edges, starts: list[str], goal: str) -> list[str] | None:
    """Names from one of `starts` to `goal` along `edges`, or None."""
    previous: dict[str, str | None] = {s: None for s in starts}
    queue = list(starts)
    while queue:
        name = queue.pop(0)
        if name == goal:
            path = [name]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for target, _, _ in edges.get(name, []):
            if target not in previous:
                previous[target] = name
                queue.append(target)
    return None


def _reassigned(func, names: set[str], text, after: int = 0) -> bool:
    """Some name is pointed elsewhere with a plain `name = ...` (after byte `after`)."""
    for node in walk(func):
        if node.type == "assignment_statement" and node.start_byte >= after and text(node.child_by_field_name("operator")) == "=":
            left = node.child_by_field_name("left")
            if left is not None and any(n.type == "identifier" and text(n) in names for n in left.named_children):
                return True
    return False


def _type_names(ctx: CodeContext) -> set[str]:
    if ctx.source.root.has_error:
        specs = ctx.of_type("type_spec")
    else:  # every type spec is one of a type declaration's specs
        specs = [s for d in ctx.with_keyword("type", "type_declaration") for s in d.named_children]
    return {ctx.text(n.child_by_field_name("name")) for n in specs if n.type == "type_spec" and n.child_by_field_name("name") is not None}


def _methods(ctx: CodeContext) -> dict[tuple[str, str], object]:
    """(receiver type name, method name) -> method declaration, for the file."""
    out = {}
    for node in ctx.of_type("method_declaration") if ctx.source.root.has_error else ctx.with_keyword("func", "method_declaration"):
        if node.type != "method_declaration":
            continue
        receiver = node.child_by_field_name("receiver")
        kind = next((n for n in walk(receiver) if n.type == "type_identifier"), None) if receiver is not None else None
        name = node.child_by_field_name("name")
        if kind is not None and name is not None:
            out[(ctx.text(kind), ctx.text(name))] = node
    return out


def _local_literal(func, name: str, text):
    """The func literal in `name := func(...) {...}` (or `var name = func...`) in `func`."""
    for node in walk(func):
        if node.type in ("short_var_declaration", "assignment_statement", "var_spec"):
            names = [text(n) for n in node.children_by_field_name("name")] if node.type == "var_spec" else assigned_names(node, text)
            right = node.child_by_field_name("value" if node.type == "var_spec" else "right")
            values = right.named_children if right is not None else []
            for n, value in zip(names, values):
                if n == name and value.type == "func_literal":
                    return value
    return None


def _captures(fn, func, ctx: CodeContext, types: set[str]) -> tuple[set[str], str]:
    """(names the finalizer or cleanup function keeps alive, how it holds them)."""
    fn = _unparen(fn)
    if fn is None:
        return set(), ""
    if fn.type == "func_literal":
        return _free_names(fn, ctx.text), "closure"
    if fn.type == "identifier" and func is not None and (literal := _local_literal(func, ctx.text(fn), ctx.text)) is not None:
        return _free_names(literal, ctx.text), f"closure `{ctx.text(fn)}`"
    if fn.type == "selector_expression":
        operand = _unparen(fn.child_by_field_name("operand"))
        if operand is not None and operand.type == "identifier" and ctx.text(operand) not in types:
            return {ctx.text(operand)}, f"method value `{ctx.text(fn)}`"
    return set(), ""


@detector("finalizer-cycle", b"runtime.SetFinalizer", b"runtime.AddCleanup")
def finalizer_cycle(ctx: CodeContext) -> None:
    types: set[str] | None = None
    methods = None
    for call, callee in ctx.calls_named("SetFinalizer", "AddCleanup"):
        if callee not in (SET, ADD):
            continue
        args = _args(call)
        if len(args) < 2 or ctx.text(args[1]) == "nil":
            continue
        target = _unparen(args[0])
        x = _root_name(target, ctx.text)
        if not x:
            continue
        exact = target.type == "identifier" or (target.type == "unary_expression" and _unparen(target.child_by_field_name("operand")).type == "identifier")
        func = enclosing_function(call)
        if types is None:
            types, methods = _type_names(ctx), _methods(ctx)
        edges = _edges(func, ctx.text) if func is not None else {}
        what = "finalizer" if callee == SET else "cleanup"
        held, how = _captures(args[1], func, ctx, types)
        held_by_arg: list[tuple[str, bool, object]] = _value_names(args[2], ctx.text) if callee == ADD and len(args) > 2 else []
        later = func is not None and _reassigned(func, {x}, ctx.text, after=call.end_byte)

        # 1. The function itself keeps x: a closure mentioning x, or a method value x.m.
        if x in held:
            if how.startswith("method value"):
                method = ctx.text(args[1]).rsplit(".", 1)[-1]
                sure = any(m == method for _, m in methods)
            else:
                sure = True
            confidence = "high" if sure and exact and not later else "medium"
            tail = " (Go 1.27's AddCleanup panics on this)" if callee == ADD and how == "closure" and not later else ""
            ctx.report("finalizer-cycle", call, f"the {what} {how} holds `{x}`, so `{x}` never becomes unreachable and the {what} never runs{tail}", confidence)
            continue
        # 2. AddCleanup's arg keeps x.
        direct = next((v for v in held_by_arg if v[0] == x), None)
        if direct is not None:
            arg_text = ctx.text(args[2])
            panics = " (AddCleanup panics on this)" if _unparen(args[2]).type in ("identifier", "unary_expression") else ""
            ctx.report("finalizer-cycle", call, f"the cleanup's arg `{arg_text}` holds `{x}`, so `{x}` never becomes unreachable and the cleanup never runs{panics}", "high" if exact else "medium")
            continue
        # 3. Something the function or arg keeps points back to x.
        starts = sorted(held | {v[0] for v in held_by_arg})
        path = _path(edges, starts, x) if starts else None
        if path is not None and len(path) > 1:
            shown = ", ".join(f"`{_show(s, path, ctx.text)}`" for s in _statements(edges, path))
            ctx.report("finalizer-cycle", call, f"the {what} keeps `{path[0]}`, which reaches `{x}` ({shown}), so the {what} never runs", "medium")
            continue
        # 4. x is part of a cycle of objects (SetFinalizer only: cleanups run on cycles).
        if callee != SET or not exact:
            continue
        for first, through, statement in edges.get(x, []):
            cycle = [x, x] if first == x and through else None
            if cycle is None and first != x:
                back = _path(edges, [first], x)
                cycle = [x, *back] if back is not None else None
            if cycle is None:
                continue
            confidence = "medium" if _reassigned(func, set(cycle), ctx.text) else "high"
            shown = ", ".join(f"`{_show(s, cycle, ctx.text)}`" for s in _statements(edges, cycle))
            ctx.report("finalizer-cycle", call, f"`{x}` is in a reference cycle ({shown}), so its finalizer never runs and the cycle is never freed", confidence)
            break


def _show(statement, names: list[str], text, limit: int = 60) -> str:
    """A statement on one line; a long composite literal keeps only the elements that
    mention one of `names`: `root.child = &Node{…parent: root}`."""
    code = " ".join(text(statement).split())
    body = next((n for n in walk(statement) if n.type == "literal_value"), None)
    if len(code) <= limit or body is None:
        return code if len(code) <= limit else code[: limit - 1] + "…"
    kept = [e for e in body.named_children if any(n.type == "identifier" and text(n) in names for n in walk(e))]
    source = text(statement)
    head = source[: body.start_byte - statement.start_byte]
    tail = source[body.end_byte - statement.start_byte :]
    return " ".join(f"{head}{{…{', '.join(text(e) for e in kept)}}}{tail}".split())


def _statements(edges, names: list[str]) -> list:
    """The statement behind each step of a path of names (each shown once)."""
    out: list = []
    for source, target in pairwise(names):
        statement = next((s for t, _, s in edges.get(source, []) if t == target), None)
        if statement is not None and statement not in out:
            out.append(statement)
    return out


# ---------------------------------------------------------------------------------------
# finalizer-blocked


# Calls that block for sure or wait on the network; the value is the confidence.
_BLOCKING_CALLS = {
    "time.Sleep": ("sleeps", "high"),
    "net.Dial": ("dials the network", "medium"),
    "net.DialTimeout": ("dials the network", "medium"),
    "http.Get": ("makes an HTTP request", "medium"),
    "http.Post": ("makes an HTTP request", "medium"),
    "http.Head": ("makes an HTTP request", "medium"),
    "http.PostForm": ("makes an HTTP request", "medium"),
    "http.DefaultClient.Do": ("makes an HTTP request", "medium"),
    "http.DefaultClient.Get": ("makes an HTTP request", "medium"),
    "http.DefaultClient.Post": ("makes an HTTP request", "medium"),
}

_LOWER = {"high": "medium", "medium": "low", "low": None}


def _in_select_case(node, stop) -> bool:
    """The send or receive is the communication of a select case."""
    current = node
    while current is not None and current != stop:
        parent = current.parent
        if parent is not None and parent.type == "communication_case":
            return parent.named_children and parent.named_children[0] == current
        if current.type in ("block", "statement_list", "func_literal"):
            return False
        current = parent
    return False


def _unbuffered(ctx: CodeContext) -> set[str]:
    """Channel names (last selector part) the file makes without a buffer: `ch := make(chan T)`,
    `var ch = make(chan T)`, `s.ch = make(chan T)`, `T{ch: make(chan T)}`."""
    out: set[str] = set()
    for call, callee in ctx.calls_named("make"):
        args = _args(call)
        if callee != "make" or len(args) != 1 or args[0].type != "channel_type":
            continue
        parent = call.parent
        holder = parent.parent if parent is not None else None
        if parent.type == "literal_element" and holder is not None and holder.type == "keyed_element":
            out.add(ctx.text(holder.named_children[0]))
        elif (found := assignment_of(call, ctx.text)) is not None:
            out.update(name.rsplit(".", 1)[-1] for name in found[1])
    return out


def _channel_uses(ctx: CodeContext) -> tuple[list, list]:
    """([(node, channel)] received from or ranged over, [(node, channel)] sent to or closed),
    channels named by their last selector part."""
    received, fed = [], []
    for node in _channel_nodes(ctx):
        if node.type == "unary_expression" and ctx.text(node.child_by_field_name("operator")) == "<-":
            received.append((node, ctx.text(node.child_by_field_name("operand")).rsplit(".", 1)[-1]))
        elif node.type == "range_clause" and node.child_by_field_name("right") is not None:
            received.append((node, ctx.text(node.child_by_field_name("right")).rsplit(".", 1)[-1]))
        elif node.type == "send_statement":
            fed.append((node, ctx.text(node.child_by_field_name("channel")).rsplit(".", 1)[-1]))
        elif node.type == "call_expression" and ctx.text(node.child_by_field_name("function")) == "close":
            args = _args(node)
            if len(args) == 1:
                fed.append((node, ctx.text(args[0]).rsplit(".", 1)[-1]))
    return received, fed


def _channel_nodes(ctx: CodeContext) -> list:
    """The nodes _channel_uses looks at, found from the text: what holds each `<-` token
    (receives and sends), range clauses and close calls (every node when the tree has
    syntax errors). Not in source order: the uses are only compared as sets."""
    if ctx.source.root.has_error:
        return ctx.nodes
    text = ctx.source.text
    found = []
    at = text.find(b"<-")
    while at >= 0:
        token = ctx.source.descendant(at, at + 2)
        if token is not None and token.start_byte == at and token.end_byte == at + 2 and token.parent is not None:
            found.append(token.parent)
        at = text.find(b"<-", at + 2)
    found += ctx.with_keyword("range", "range_clause")
    found += [call for call, _ in ctx.calls_named("close")]
    return found


def _outside(uses: list, body) -> set[str]:
    return {name for node, name in uses if not (body.start_byte <= node.start_byte < body.end_byte)}


def _blocking(body_owner, ctx: CodeContext, unbuffered: set[str], uses: tuple[list, list], aliases: dict[str, str]):
    """(node, what it does, confidence) for each blocking operation in a function's own body.
    A channel that other code in the file receives from (for a send) or sends to or closes
    (for a receive) only blocks while that code lags: low confidence."""
    received, fed = _outside(uses[0], body_owner), _outside(uses[1], body_owner)
    for node in own_nodes(body_owner):
        if node.type == "select_statement":
            cases = [c for c in node.named_children if c.type in ("communication_case", "default_case")]
            if not cases:
                yield node, "blocks forever in `select {}`", "high"
            elif not any(c.type == "default_case" for c in cases):
                yield node, "waits in a select with no default case", "medium"
        elif node.type == "send_statement" and not _in_select_case(node, body_owner):
            channel = ctx.text(node.child_by_field_name("channel"))
            name = aliases.get(channel, channel.rsplit(".", 1)[-1])
            sure = name in unbuffered
            kind = "unbuffered " if sure else ""
            if name in received:
                yield node, f"sends on {kind}`{channel}` outside a select with default (blocks whenever its reader lags)", "low"
            else:
                yield node, f"sends on {kind}`{channel}`, which nothing in this file receives from", "high" if sure else "medium"
        elif node.type == "unary_expression" and ctx.text(node.child_by_field_name("operator")) == "<-" and not _in_select_case(node, body_owner):
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "call_expression" and ctx.text(operand.child_by_field_name("function")) in ("time.After", "time.Tick"):
                yield node, f"waits on `{ctx.text(node)}`", "high"
            elif aliases.get(ctx.text(operand), ctx.text(operand).rsplit(".", 1)[-1]) in fed:
                yield node, f"receives from `{ctx.text(operand)}` outside a select with default", "low"
            else:
                yield node, f"receives from `{ctx.text(operand)}`, which nothing in this file sends to or closes", "medium"
        elif node.type == "call_expression":
            callee = ctx.text(node.child_by_field_name("function"))
            receiver, _, method = callee.rpartition(".")
            if callee in _BLOCKING_CALLS:
                what, confidence = _BLOCKING_CALLS[callee]
                yield node, f"{what} (`{callee}`)", confidence
            elif method == "Wait" and receiver and not _args(node):
                yield node, f"waits in `{callee}()`", "medium"
            elif method in ("Run", "Output", "CombinedOutput") and receiver.startswith("exec.Command"):
                yield node, f"runs a command and waits for it (`{method}`)", "medium"
            elif method in ("Lock", "RLock") and receiver and not _args(node):
                yield node, f"takes the lock `{receiver}`", "low"


def _first_param(literal, text) -> str:
    params = literal.child_by_field_name("parameters")
    first = next((p for p in params.named_children if p.type == "parameter_declaration"), None) if params is not None else None
    name = first.child_by_field_name("name") if first is not None else None
    return text(name) if name is not None else ""


def _param_type(literal_or_func, text) -> str:
    """Base type name of the first parameter: `T` for `func(t *T)`."""
    params = literal_or_func.child_by_field_name("parameters")
    first = next((p for p in params.named_children if p.type == "parameter_declaration"), None) if params is not None else None
    kind = first.child_by_field_name("type") if first is not None else None
    node = next((n for n in walk(kind) if n.type == "type_identifier"), None) if kind is not None else None
    return text(node) if node is not None else ""


def _finalizer_bodies(fn, call, ctx: CodeContext, functions, methods, types):
    """(function node, "") for the finalizer passed to SetFinalizer/AddCleanup, then
    (function node, callee) for the same-file functions and methods on its parameter it
    calls directly (one level)."""
    fn = _unparen(fn)
    first = None
    if fn.type == "func_literal":
        first = (fn, "")
    elif fn.type == "identifier":
        scope = enclosing_function(call)
        literal = _local_literal(scope, ctx.text(fn), ctx.text) if scope is not None else None
        if literal is not None:
            first = (literal, "")
        elif ctx.text(fn) in functions:
            first = (functions[ctx.text(fn)], "")
    elif fn.type == "selector_expression":
        operand, method = _unparen(fn.child_by_field_name("operand")), ctx.text(fn.child_by_field_name("field"))
        base = next((n for n in walk(operand) if n.type in ("identifier", "type_identifier")), None) if operand is not None else None
        if base is not None and ctx.text(base) in types and (ctx.text(base), method) in methods:
            first = (methods[(ctx.text(base), method)], "")
        else:
            found = [m for (_, name), m in methods.items() if name == method]
            if len(found) == 1:
                first = (found[0], "")
    if first is None:
        return
    yield first
    owner = first[0]
    param_type = _param_type(owner, ctx.text) if owner.type == "func_literal" or owner.type == "function_declaration" else ""
    if owner.type == "method_declaration":
        receiver = owner.child_by_field_name("receiver")
        node = next((n for n in walk(receiver) if n.type == "type_identifier"), None) if receiver is not None else None
        param_type = ctx.text(node) if node is not None else ""
    seen = {owner.id}
    for node in own_nodes(owner):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        target = None
        if callee.type == "identifier" and ctx.text(callee) in functions:
            target = functions[ctx.text(callee)]
        elif callee.type == "selector_expression" and param_type:
            target = methods.get((param_type, ctx.text(callee.child_by_field_name("field"))))
        if target is not None and target.id not in seen:
            seen.add(target.id)
            yield target, ctx.text(callee)


@detector("finalizer-blocked", b"runtime.SetFinalizer", b"runtime.AddCleanup")
def finalizer_blocked(ctx: CodeContext) -> None:
    prepared = None
    reported: set[int] = set()
    for call, callee in ctx.calls_named("SetFinalizer", "AddCleanup"):
        if callee not in (SET, ADD):
            continue
        args = _args(call)
        if len(args) < 2 or ctx.text(args[1]) == "nil":
            continue
        if prepared is None:
            declared = ctx.of_type("function_declaration") if ctx.source.root.has_error else ctx.with_keyword("func", "function_declaration")
            functions = {ctx.text(n.child_by_field_name("name")): n for n in declared if n.type == "function_declaration"}
            prepared = (functions, _methods(ctx), _type_names(ctx), _unbuffered(ctx), _channel_uses(ctx))
        functions, methods, types, unbuffered, uses = prepared
        line = ctx.source.user_line(call)
        kind = "finalizer" if callee == SET else "cleanup"
        # AddCleanup(p, func(ch chan T) {...}, done): inside, `ch` is `done`.
        aliases: dict[str, str] = {}
        literal = _unparen(args[1])
        if callee == ADD and len(args) > 2 and literal.type == "func_literal" and (param := _first_param(literal, ctx.text)):
            aliases[param] = ctx.text(args[2]).rsplit(".", 1)[-1]
        for body, helper in _finalizer_bodies(args[1], call, ctx, functions, methods, types):
            label = f"`{helper}`, called by the {kind} set at line {line}," if helper else f"the {kind} set at line {line}"
            for node, what, confidence in _blocking(body, ctx, unbuffered, uses, aliases if not helper else {}):
                if callee == ADD:
                    confidence = _LOWER[confidence]  # several cleanup goroutines when GOMAXPROCS >= 8
                if confidence is None or node.id in reported:
                    continue
                reported.add(node.id)
                runs = "the single finalizer goroutine" if callee == SET else "a cleanup goroutine"
                ctx.report("finalizer-blocked", node, f"{label} {what}, stalling {runs}", confidence)
