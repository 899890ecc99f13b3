"""Mutex held on a return path; WaitGroup.Add inside the goroutine it counts."""

from __future__ import annotations

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.flow.conditions import guards
from goleakhelp.code.flow.paths import DONE, GO, KILL, leaks
from goleakhelp.code.syntax import assigned_names, assignment_of, enclosing, enclosing_function, function_name, receiver_and_method, walk


LOCKS = {"Lock": "Unlock", "RLock": "RUnlock"}


def _lock_events(ctx: CodeContext, graph, recv: str, unlock: str, lock: str) -> dict[int, str]:
    """Item id -> DONE when the item unlocks `recv` (directly, deferred, in a goroutine or
    through a local closure such as `unlock := func() { mu.Unlock() }`), KILL when it locks
    `recv` again."""
    func = graph.func
    events: dict[int, str] = {}
    releasers: set[str] = set()
    for call, callee in ctx.calls_named(unlock, lock, within=func):
        r, method = receiver_and_method(callee)
        if r != recv:
            continue
        located = graph.locate(call)
        if located is None:
            continue
        item = graph.blocks[located[0]].items[located[1]]
        literal = _outer_literal(call, item)
        if method == unlock:
            name = _closure_name(literal, ctx) if literal is not None else None
            if name is not None:
                releasers.add(name)
            else:
                events[item.id] = DONE
        elif literal is None and call.parent is not None and call.parent.type == "expression_statement":
            events.setdefault(item.id, KILL)
    for name in releasers:
        for call, callee in ctx.calls_named(name, within=func):
            located = graph.locate(call) if callee == name else None
            if located is not None:
                events[graph.blocks[located[0]].items[located[1]].id] = DONE
    return events


def _outer_literal(node, item):
    found, current = None, node.parent
    while current is not None and current.id != item.id:
        if current.type == "func_literal":
            found = current
        current = current.parent
    return found


def _closure_name(literal, ctx: CodeContext) -> str | None:
    parent = literal.parent
    holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
    if holder is not None and holder.type in ("short_var_declaration", "assignment_statement"):
        names = assigned_names(holder, ctx.text)
        if len(names) == 1 and names[0].isidentifier():
            return names[0]  # a local closure; one stored in a field runs who knows when
    return None


def _judged_unlocks(ctx: CodeContext, func, recv: str, unlock: str) -> list | None:
    """The calls `recv.unlock()` that run in `func` itself (directly, deferred, or through a
    local closure); None when an unlock is guarded by a flag (`if locked { mu.Unlock() }`),
    a state the walk cannot follow."""
    found = []
    for call, callee in ctx.calls_named(unlock, within=func):
        if receiver_and_method(callee)[0] != recv:
            continue
        guard = enclosing(call, ("if_statement",))
        condition = guard.child_by_field_name("condition") if guard is not None else None
        if condition is not None and condition.type in ("identifier", "selector_expression") and any(w in ctx.text(condition).lower() for w in ("lock", "held")):
            return None
        owner = enclosing_function(call)
        if owner == func or (owner is not None and (_runs_here(owner) or _closure_name(owner, ctx) is not None)):
            found.append(call)
    return found


def _runs_here(literal) -> bool:
    """`func() {...}()` or `defer func() {...}()`: the literal runs in this goroutine."""
    call = literal.parent
    return call is not None and call.type == "call_expression" and call.parent is not None and call.parent.type != "go_statement"


def _reassigned(ctx: CodeContext, func, recv: str) -> bool:
    """The variable the receiver starts with is assigned in `func` (`best = next`): the
    text no longer names one mutex along a path."""
    root = recv.split(".", 1)[0].lstrip("(*")
    for token in ctx.tokens_within(root, func):
        if token.type == "identifier":
            parent = token.parent
            holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
            right = holder.child_by_field_name("right") if holder is not None and holder.type in ("assignment_statement", "short_var_declaration") else None
            if right is not None and right.start_byte <= token.start_byte < right.end_byte and parent.type == "expression_list":
                return True  # `best = next`: the lock travels with another name
            if holder is not None and holder.type == "assignment_statement":
                left = holder.child_by_field_name("left")
                if left is not None and left.start_byte <= token.start_byte < left.end_byte:
                    return True
    return False


def _hands_release_back(item, ctx: CodeContext) -> bool:
    """`return conn, tx.closemuRUnlockRelease, nil`: the caller gets what unlocks."""
    if item.type != "return_statement":
        return False
    return any(word in ctx.text(item).lower() for word in ("unlock", "release"))


@detector("mutex-unreleased", b'Lock()')
def mutex_unreleased(ctx: CodeContext) -> None:
    """A Lock that some path leaves held: each return judged on its own path."""
    for func in ctx.functions_containing(b"Lock()"):
        name = function_name(func, ctx.text).lower()
        if name.startswith(("lock", "rlock", "trylock")) or name.endswith(("lock", "locked")):
            continue  # lock helpers (lockShared, rlockFor, acquireLock) hand the held lock to their caller
        for call, callee in ctx.calls_named("Lock", "RLock", within=func):
            recv, method = receiver_and_method(callee)
            if not recv or method not in LOCKS or enclosing_function(call) != func or call.parent.type != "expression_statement":
                continue
            unlock = LOCKS[method]
            unlocks = ctx.shared(("unlocks", func.id, recv, unlock), lambda: _judged_unlocks(ctx, func, recv, unlock))
            if not unlocks:
                continue  # unlocked elsewhere (a helper, another goroutine, a flag): not ours to judge
            if any(u.start_byte < call.start_byte and enclosing_function(u) == func for u in unlocks):
                continue  # unlock, then lock again: the caller holds the lock around this function
            graph = ctx.graph(func)
            if graph is None:
                break
            events = ctx.shared(("lock-events", func.id, recv, method), lambda: _lock_events(ctx, graph, recv, unlock, method))
            located = graph.locate(call.parent)
            if located is None:
                continue
            same = guards(call, func, ctx.text)

            def step(item, state, events=events):
                event = events.get(item.id, GO)
                if event == KILL and method == "RLock":
                    event = GO  # read locks may be taken again
                if event == GO and _hands_release_back(item, ctx):
                    event = DONE
                return event, state

            def branch(cond, state, same=same):
                taken = same.get(ctx.text(cond))
                return (taken,) if taken is not None else (0, 1)

            found = leaks(graph, located, 0, step, branch)
            ctx.note_exhausted(graph)
            if found and not ctx.shared(("reassigned", func.id, recv), lambda: _reassigned(ctx, func, recv)):
                leak = found[0]
                if leak.kind == "overwrite":
                    what = f"`{recv}.{method}()` is called again at line {ctx.source.user_line(leak.node)} while still held (a deadlock)"
                elif leak.kind == "return":
                    what = f"the return at line {ctx.source.user_line(leak.node)} leaves `{recv}` locked (no `{recv}.{unlock}()` on that path)"
                else:
                    what = f"the function can end with `{recv}` locked"
                ctx.report("mutex-unreleased", call, f"`{recv}.{method}()`: {what}")


def _goroutine_literals(ctx: CodeContext):
    """(func literal started with go, receivers the enclosing function calls .Wait() on)."""
    waited_in: dict[tuple[int, int], set[str]] = {}
    for node in ctx.with_keyword("go", "go_statement"):
        literal = next((c for c in walk(node) if c.type == "func_literal"), None)
        outer = enclosing_function(node)
        if literal is None or outer is None:
            continue
        key = (outer.start_byte, outer.end_byte)
        if key not in waited_in:
            waited_in[key] = {receiver_and_method(c)[0] for _, c in ctx.calls_named("Wait", within=outer) if c.endswith(".Wait")}
        yield literal, waited_in[key]


@detector("wg-add-in-goroutine", b'.Add(')
def wg_add_in_goroutine(ctx: CodeContext) -> None:
    for literal, waited in _goroutine_literals(ctx):
        if not waited:
            continue
        for call, callee in ctx.calls_named("Add", within=literal):
            recv, method = receiver_and_method(callee)
            if method == "Add" and recv in waited and enclosing_function(call) == literal:
                ctx.report("wg-add-in-goroutine", call, f"`{callee}` runs inside the goroutine, after `{recv}.Wait()` may have returned")


@detector("wg-missing-done", b'.Done()')
def wg_missing_done(ctx: CodeContext) -> None:
    """A goroutine calls wg.Done() on some paths and returns without it on another."""
    for literal, waited in _goroutine_literals(ctx):
        if not waited:
            continue  # no Wait in the enclosing function: nothing to report
        dones = [(call, callee) for call, callee in ctx.calls_named("Done", within=literal) if receiver_and_method(callee)[0] in waited]
        if not dones or not any(enclosing_function(call) == literal for call, _ in dones):
            continue
        if any(enclosing(call, ("for_statement",)) is not None for call, _ in dones):
            continue  # Done per item of a worker loop: the count is of items, not goroutines
        graph = ctx.graph(literal)
        if graph is None:
            continue
        marks = set()
        for call, _ in dones:
            located = graph.locate(call)
            if located is not None:
                marks.add(graph.blocks[located[0]].items[located[1]].id)

        def step(item, state, marks=marks):
            return (DONE if item.id in marks else GO), state

        found = leaks(graph, (0, -1), 0, step, lambda cond, state: (0, 1))
        ctx.note_exhausted(graph)
        if found:
            call, callee = dones[0]
            leak = found[0]
            where = f"the return at line {ctx.source.user_line(leak.node)}" if leak.kind == "return" else "the end of the goroutine"
            ctx.report("wg-missing-done", call, f"{where} is reached without `{callee}()`: `{receiver_and_method(callee)[0]}.Wait()` never returns", "high")


_DECLARATIONS = ("field_declaration", "parameter_declaration", "var_spec", "const_spec")


def _cond_names(ctx: CodeContext) -> set[str]:
    """The names declared as `sync.Cond` or `*sync.Cond` (fields, parameters, variables)
    or assigned `sync.NewCond(...)`. Found from the `Cond` and `NewCond` tokens, so a
    file pays only for where they occur."""
    names: set[str] = set()
    for token in ctx.tokens("Cond"):
        node = token.parent
        if node is None or node.type != "qualified_type" or ctx.text(node.child_by_field_name("package")) != "sync":
            continue
        while node.parent is not None and node.parent.type in ("pointer_type", "parenthesized_type"):
            node = node.parent
        declaration = node.parent
        if declaration is not None and declaration.type in _DECLARATIONS and declaration.child_by_field_name("type") == node:
            names.update(ctx.text(n) for n in declaration.children_by_field_name("name"))
    for token in ctx.tokens("NewCond"):
        selector = token.parent
        call = selector.parent if selector is not None and selector.type == "selector_expression" else None
        if call is None or call.type != "call_expression" or ctx.text(selector.child_by_field_name("operand")) != "sync":
            continue
        found = assignment_of(call, ctx.text)
        if found is not None:
            names.update(name.rsplit(".", 1)[-1] for name in found[1])
        elif call.parent is not None and call.parent.type == "literal_element" and call.parent.parent is not None:
            key = call.parent.parent.child_by_field_name("key")
            if key is not None and call.parent.parent.type == "keyed_element":
                names.add(ctx.text(key))
    return names


@detector("cond-no-signal", b'sync.NewCond', b'*sync.Cond')
def cond_no_signal(ctx: CodeContext) -> None:
    """A sync.Cond that code waits on but nothing in the file ever signals or broadcasts."""
    if b"sync.NewCond" not in ctx.source.text and b"*sync.Cond" not in ctx.source.text:
        return
    waits: dict[str, list] = {}
    wakers: set[str] = set()
    for call, callee in ctx.calls:
        recv, method = receiver_and_method(callee)
        if method == "Wait" and recv:
            waits.setdefault(recv, []).append(call)
        elif method in ("Signal", "Broadcast") and recv:
            wakers.add(recv.rsplit(".", 1)[-1])
    conds = _cond_names(ctx)
    for recv, calls_ in waits.items():
        name = recv.rsplit(".", 1)[-1]
        if name in conds and name not in wakers:
            ctx.report("cond-no-signal", calls_[0], f"`{recv}.Wait()` but nothing in this file calls `{name}.Signal()` or `Broadcast()`", "medium")
