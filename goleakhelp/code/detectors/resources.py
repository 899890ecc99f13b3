"""Resources a function acquires and does not release on every path: files and
connections, rows, transactions, statements, gRPC connections, test servers, pipes,
C memory, timers.

The facts live in the KB: an entry's `detection` section says which calls acquire the
resource, which of their results it is, and which calls release it. Each such entry
gets one detector here, and each asks the same question of the flow engine: from the
acquiring statement, does some path reach a return, the end of the function, or an
overwrite of the variable while the resource is still held (not released, not handed
on, not nil because the call failed)?
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import register
from goleakhelp.code.flow.conditions import expects_failure
from goleakhelp.code.flow.ownership import USE, Release, Tracker, borrowed, declared_locally, released_only_on_error
from goleakhelp.code.flow.summaries import Summaries
from goleakhelp.code.syntax import assignment_of, conversion_of, enclosing_function, runs_once
from goleakhelp.knowledge.entry import ResourceFacts


@dataclass(frozen=True)
class ResourceRule:
    id: str
    facts: ResourceFacts
    exact: frozenset[str]  # callees named in full (os.Open)
    methods: frozenset[str]  # method names on any receiver (*.Query -> Query)
    taken: frozenset[str]  # callees other entries name in full: not this rule's wildcard

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({c.rsplit(".", 1)[-1] for c in self.exact} | self.methods))

    def acquires(self, callee: str) -> bool:
        if callee in self.exact:
            return True
        receiver, _, method = callee.rpartition(".")
        return bool(receiver) and method in self.methods and callee not in self.taken

    @property
    def release_text(self) -> str:
        return " or ".join([*(f"{{name}}.{m}()" for m in self.facts.release), *(f"{f}({{name}})" for f in self.facts.release_functions)])


@lru_cache(maxsize=1)
def rules() -> tuple[ResourceRule, ...]:
    from goleakhelp.knowledge.loader import load_knowledge_base

    entries = [e for e in load_knowledge_base().entries.values() if e.detection is not None]
    exact_by_entry = {e.id: frozenset(c for c in e.detection.acquire if not c.startswith("*.")) for e in entries}
    out = []
    for entry in sorted(entries, key=lambda e: e.id):
        taken = frozenset().union(*(v for k, v in exact_by_entry.items() if k != entry.id))
        methods = frozenset(c[2:] for c in entry.detection.acquire if c.startswith("*."))
        out.append(ResourceRule(entry.id, entry.detection, exact_by_entry[entry.id], methods, taken))
    return tuple(out)


def where_held(leak, ctx: CodeContext) -> str:
    if leak.kind == "return":
        return f"the return at line {ctx.source.user_line(leak.node)}"
    if leak.kind == "overwrite":
        return f"line {ctx.source.user_line(leak.node)}, where it is overwritten while still held"
    return "the end of the function"


def track(ctx: CodeContext, func, statement, name: str, err: str | None, release: Release) -> list | None:
    """The leaking paths of `name` acquired by `statement` in `func`; None when `func`
    could not be analysed (too deeply nested) or the value is released before it is even acquired."""
    graph = ctx.graph(func)
    if graph is None:
        return None
    summaries = ctx.shared("summaries", lambda: Summaries(ctx))
    tracker = Tracker(ctx, graph, name, err, statement, release, summaries)
    if tracker.registered_before():
        return []
    found = tracker.leaks()
    ctx.note_exhausted(graph)
    return found


def _check(ctx: CodeContext, rule: ResourceRule) -> None:
    facts = rule.facts
    confidence, note = "high", ""
    if facts.before is not None:
        major, minor = map(int, facts.before.split("."))
        report, confidence, note = ctx.version_gate(major, minor)
        if not report:
            return
    release = Release(tuple(facts.release), tuple(facts.release_functions), receives=tuple(facts.release_receive))
    for call, callee in ctx.calls_named(*rule.names):
        if not rule.acquires(callee):
            continue
        arguments = call.child_by_field_name("arguments")
        if facts.min_args and (arguments is None or len(arguments.named_children) < facts.min_args):
            continue
        value = call  # the acquired value, under any conversion: `(*C.char)(C.malloc(n))`
        while (converted := conversion_of(value, ctx.text)) is not None:
            value = converted
        func = enclosing_function(call)
        # A method found by name alone (`*.Query`) might belong to another type.
        level = confidence if callee in rule.exact or confidence == "low" else "medium"
        assignment = assignment_of(value, ctx.text)
        if assignment is None:
            borrower = _borrower(ctx, value, release) if func is not None and callee in rule.exact else None
            if borrower is not None:
                ctx.report(rule.id, call, f"{facts.resource} from `{callee}` is passed straight to `{borrower}`, which only uses it: nothing can release it", level, note)
            continue
        if len(assignment[1]) <= facts.result:
            continue
        statement, names = assignment
        name = names[facts.result]
        if func is None:
            continue  # package level: lives as long as the program
        if facts.release_receive and runs_once(func, ctx.text, ctx.source.name):
            continue  # it ends by itself (a timer fires) and is made once: held for a while, never piling up
        if name == "_":
            if callee not in rule.exact:
                continue  # known by its method name only, nothing shows what was discarded
            if ctx.source.name.endswith("_test.go") and expects_failure(_statement_of(statement), names[-1] if len(names) > 1 else None, ctx.text):
                continue
            ctx.report(rule.id, call, f"{facts.resource} from `{callee}` is discarded and can never be released", level, note)
            continue
        if "." in name or not declared_locally(ctx, func, name):
            continue  # stored in a field, a package-level variable or a named result: it outlives the call
        if callee not in rule.exact and facts.evidence and not _shows(ctx, func, name, facts.evidence):
            continue  # nothing shows the value is this resource (`stream.Query(0.5)` is not rows)
        err = names[-1] if len(names) > 1 and names[-1] != name else None
        found = track(ctx, func, statement, name, err, release)
        if not found:
            continue
        what = rule.release_text.format(name=name)
        if released_only_on_error(found):
            level = "medium" if level == "high" else level
            what += " only runs when an error is returned, so it"
        released_somewhere = any(
            ctx.text(c.child_by_field_name("function")) in {f"{name}.{m}" for m in facts.release} for c, _ in ctx.calls_named(*{m.rsplit(".", 1)[-1] for m in facts.release} or {"_"}, within=func)
        ) or any(f in ctx.text(func) for f in facts.release_functions)
        if released_somewhere:
            ctx.report(rule.id, call, f"{facts.resource} `{name}` from `{callee}` is still held at {where_held(found[0], ctx)} ({what} is not reached on that path)", level, note)
        else:
            ctx.report(rule.id, call, f"{facts.resource} `{name}` from `{callee}` is never released ({what}): still held at {where_held(found[0], ctx)}", level, note)


def _borrower(ctx: CodeContext, value, release: Release) -> str | None:
    """The callee when `value` is an argument of a call that only uses it and keeps
    nothing (`C.puts(C.CString(s))`), None when it is released or may be handed on."""
    arguments = value.parent
    call = arguments.parent if arguments is not None and arguments.type == "argument_list" else None
    function = call.child_by_field_name("function") if call is not None else None
    if function is None:
        return None
    callee = ctx.text(function)
    if callee in release.functions:
        return None
    index = next(i for i, a in enumerate(arguments.named_children) if a.start_byte == value.start_byte and a.end_byte == value.end_byte)
    verdict = ctx.shared("summaries", lambda: Summaries(ctx)).passing(callee, index, release)
    if verdict is not None:
        return callee if verdict == USE else None
    return callee if borrowed(callee) else None


def _statement_of(node):
    """The statement holding a var_spec (`var f, err = ...`), or the statement itself."""
    while node.type in ("var_spec", "var_spec_list"):
        node = node.parent
    return node


def _shows(ctx: CodeContext, func, name: str, methods: tuple[str, ...]) -> bool:
    """`name.M(...)` for one of `methods` in `func`."""
    wanted = {f"{name}.{m}" for m in methods}
    return any(callee in wanted for _, callee in ctx.calls_named(*methods, within=func))


def _register(rule: ResourceRule) -> None:
    def detect(ctx: CodeContext) -> None:
        _check(ctx, rule)

    detect.__name__ = rule.id.replace("-", "_")
    register(rule.id, detect, tuple(t.encode() for t in rule.facts.triggers))


for _rule in rules():
    _register(_rule)
