"""Mutex held on a return path; WaitGroup.Add inside the goroutine it counts."""

from __future__ import annotations

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import calls, enclosing_function, receiver_and_method, walk


@detector("mutex-unreleased", b'Lock()')
def mutex_unreleased(ctx: CodeContext) -> None:
    for func in ctx.functions_containing(b"Lock()"):
        nodes = ctx.own_nodes(func)
        deferred: set[str] = set()
        for node in nodes:
            if node.type == "defer_statement":
                for _, callee in calls(walk(node), ctx.text):
                    recv, method = receiver_and_method(callee)
                    if method in ("Unlock", "RUnlock"):
                        deferred.add(f"{recv}.{method}")
        events = []  # (byte offset, kind, receiver, node)
        for node, callee in calls(nodes, ctx.text):
            recv, method = receiver_and_method(callee)
            if method in ("Lock", "RLock", "Unlock", "RUnlock") and recv and node.parent.type == "expression_statement":
                events.append((node.start_byte, method, recv, node))
        returns = [n.start_byte for n in nodes if n.type == "return_statement"]
        for start, method, recv, node in events:
            if method not in ("Lock", "RLock"):
                continue
            unlock = "Unlock" if method == "Lock" else "RUnlock"
            if f"{recv}.{unlock}" in deferred:
                continue
            release = next((s for s, m, r, _ in events if s > start and r == recv and m == unlock), None)
            if release is None:
                continue  # unlocked elsewhere (a helper, another method): not ours to judge
            if any(start < r < release for r in returns):
                ctx.report("mutex-unreleased", node, f"`{recv}.{method}()` is followed by a return before `{recv}.{unlock}()`")


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
    """A goroutine calls wg.Done() at the end but returns earlier on some path."""
    for literal, waited in _goroutine_literals(ctx):
        if not waited:
            continue  # no Wait in the enclosing function: nothing to report
        own = ctx.own_nodes(literal)
        if any(n.type == "defer_statement" and ".Done()" in ctx.text(n) for n in own):
            continue
        for call, callee in calls(own, ctx.text):
            recv, method = receiver_and_method(callee)
            if method != "Done" or recv not in waited:
                continue
            if any(n.type == "return_statement" and n.start_byte < call.start_byte for n in own):
                ctx.report("wg-missing-done", call, f"a return before `{callee}()` skips it: `{recv}.Wait()` never returns", "high")


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
    conds = {
        ctx.text(n).rsplit(".", 1)[-1]
        for n in ctx.nodes
        if n.type in ("field_identifier", "identifier") and n.parent is not None and "sync.Cond" in ctx.text(n.parent)
    }
    for recv, calls_ in waits.items():
        name = recv.rsplit(".", 1)[-1]
        if name in conds and name not in wakers:
            ctx.report("cond-no-signal", calls_[0], f"`{recv}.Wait()` but nothing in this file calls `{name}.Signal()` or `Broadcast()`", "medium")
