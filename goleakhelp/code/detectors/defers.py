"""defer inside a loop: the deferred calls run when the function returns, not per iteration.

Only defers that release something (Close, Unlock, Stop, cancel, Rollback, Remove, ...)
are leaks; a deferred recover or bookkeeping call in a loop is a style question, and a
loop body that defers and then leaves the loop at once runs only one iteration.
"""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import enclosing

RELEASE = re.compile(
    r"(?:^|\.)(Close|CloseWithError|Unlock|RUnlock|Stop|Release|Remove|RemoveAll|Rollback|Done|Free|cancel|Cancel)\b|^cancel\w*$|^C\.free$"
)


def _releases(node, ctx: CodeContext) -> str | None:
    """The callee of a release-like call in the deferred expression, if any."""
    for call in _calls_in(node):
        callee = ctx.text(call.child_by_field_name("function"))
        if RELEASE.search(callee):
            return callee
    return None


def _calls_in(node):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield current
        stack.extend(current.children)


_STRAIGHT = frozenset(
    ("comment", "expression_statement", "short_var_declaration", "assignment_statement", "inc_statement", "dec_statement", "defer_statement")
)


def _leaving_at_once(block) -> set[int]:
    """Start bytes of the statements of `block` followed, through straight-line statements
    only, by a break or return. One pass from the end: asking each defer to walk its
    following siblings was quadratic in a block of thousands of defers (and tree-sitter's
    sibling step is itself a walk)."""
    leaving: set[int] = set()
    leaves = False
    for statement in reversed(block.named_children):
        if leaves:
            leaving.add(statement.start_byte)
        if statement.type in ("break_statement", "return_statement"):
            leaves = True
        elif statement.type not in _STRAIGHT:
            leaves = False
    return leaving


def _leaves_loop_at_once(defer, ctx: CodeContext) -> bool:
    block = defer.parent
    if block is None:
        return False
    leaving = ctx.shared(f"defers-leaving:{block.id}", lambda: _leaving_at_once(block))
    return defer.start_byte in leaving


@detector("defer-in-loop", b'defer')
def defer_in_loop(ctx: CodeContext) -> None:
    for node in ctx.with_keyword("defer", "defer_statement"):
        # A defer inside a function literal called per iteration runs per iteration: fine.
        if enclosing(node, ("for_statement",)) is None or _leaves_loop_at_once(node, ctx):
            continue
        released = _releases(node, ctx)
        if released is None:
            continue
        loop = enclosing(node, ("for_statement",))
        if _kept_after_iteration(released.rpartition(".")[0], loop, ctx):
            continue  # stored outside the loop to be used after it: released at return by design
        if _released_in_iteration(node, released, ctx):
            continue  # the defer only backs up a release every iteration makes
        call = node.named_children[0] if node.named_children else node
        # A test often keeps each iteration's server or stream open to its end on purpose.
        confidence = "medium" if ctx.source.name.endswith("_test.go") else "high"
        ctx.report("defer-in-loop", node, f"`defer {ctx.text(call)}` inside a loop runs only when the function returns", confidence)


def _kept_after_iteration(receiver: str, loop, ctx: CodeContext) -> bool:
    """`receiver` (`l` of `defer l.Close()`) is stored in a variable the loop does not
    declare (`ls = append(ls, l)`, `conns[i] = l`, `last = l`) or sent on a channel: the
    value is meant to outlive its iteration, so closing it when the function returns is
    the intent, not a leak."""
    if not receiver.isidentifier() or loop is None:
        return False
    return receiver in ctx.shared(f"kept-after-iteration:{loop.id}", lambda: _kept_names(loop, ctx))


def _kept_names(loop, ctx: CodeContext) -> frozenset[str]:
    """The names the body of `loop` sends on a channel or assigns into something it does not
    declare, once per loop (asked per defer, the walk was quadratic in a long body)."""
    body = loop.child_by_field_name("body")
    if body is None:
        return frozenset()
    nodes = ctx.subtree(body)
    declared_inside = {
        ctx.text(n)
        for d in nodes
        if d.type in ("short_var_declaration", "var_spec")
        for side in ([d.child_by_field_name("left")] if d.type == "short_var_declaration" else d.children_by_field_name("name"))
        if side is not None
        for n in ([side] if side.type == "identifier" else side.named_children)
    }
    kept: set[str] = set()
    for n in nodes:
        if n.type == "send_statement":
            kept.update(_held_names(n.child_by_field_name("value"), ctx))
        elif n.type == "assignment_statement":
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            if left is None or right is None:
                continue
            root = re.match(r"\w+", ctx.text(left))
            if root is not None and root.group() != "_" and root.group() not in declared_inside:
                for value in right.named_children:
                    kept.update(name for name in _held_names(value, ctx) if name != root.group())
    return frozenset(kept)


def _held_names(value, ctx: CodeContext) -> set[str]:
    """The names whose values `value` keeps: `name`, `&name`, the elements of a composite
    literal, the appended items of `append(xs, ...)`. Passing a name to any other call
    (`io.WriteString(f, s)`) keeps nothing."""
    if value is None:
        return set()
    if value.type == "identifier":
        return {ctx.text(value)}
    if value.type == "unary_expression" and ctx.text(value).startswith("&"):
        return _held_names(value.child_by_field_name("operand"), ctx)
    if value.type == "composite_literal":
        names: set[str] = set()
        elements = value.child_by_field_name("body")
        for element in elements.named_children if elements is not None else ():
            if element.type == "keyed_element":  # `A: c`: the value is the last part
                element = element.named_children[-1] if element.named_children else element
            inner = element.named_children[0] if element.type == "literal_element" and element.named_children else element
            names |= _held_names(inner, ctx)
        return names
    if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")) == "append":
        args = value.child_by_field_name("arguments")
        return {name for a in (args.named_children[1:] if args is not None else ()) for name in _held_names(a, ctx)}
    return set()


def _released_in_iteration(defer, released: str, ctx: CodeContext) -> bool:
    """A statement after the defer, in the same block of the loop body, calls the same
    release (`defer c.Close()` ... `c.Close()`; `defer Stop(c)` ... `Stop(c)`, not
    `Stop(d)`): every iteration that gets there releases it, and the defer only covers an
    early exit (a panic, a t.Fatal)."""
    block = defer.parent
    if block is None:
        return False
    by_callee, by_call = ctx.shared(f"last-release-call:{block.id}", lambda: _last_calls(block, ctx))
    deferred = defer.named_children[0] if defer.named_children else None
    if deferred is not None and deferred.type == "call_expression" and ctx.text(deferred.child_by_field_name("function")) == released:
        return by_call.get(ctx.text(deferred), -1) > defer.start_byte
    return by_callee.get(released, -1) > defer.start_byte


def _last_calls(block, ctx: CodeContext) -> tuple[dict[str, int], dict[str, int]]:
    """(callee text -> start byte of its last call as a statement of `block`, the same by the
    whole call's text)."""
    by_callee: dict[str, int] = {}
    by_call: dict[str, int] = {}
    for statement in block.named_children:
        if statement.type == "expression_statement" and statement.named_children and statement.named_children[0].type == "call_expression":
            call = statement.named_children[0]
            function = call.child_by_field_name("function")
            if function is not None:
                by_callee[ctx.text(function)] = statement.start_byte
                by_call[ctx.text(call)] = statement.start_byte
    return by_callee, by_call
