"""Resources a function acquires and never releases: files, rows, transactions, statements,
client connections, test servers, pipes, C memory, timers.

One table drives one detector: a call that acquires, which of its results is the
resource, and the calls that release it. A resource that leaves the function (returned,
passed to another function, stored in a field or a variable declared elsewhere) is the
caller's to release and is not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import register
from goleakhelp.code.syntax import assignment_of, enclosing_function


@dataclass(frozen=True)
class ResourceRule:
    id: str
    acquire: re.Pattern  # callee text
    result: int  # which assigned name is the resource
    methods: tuple[str, ...] = ()  # resource.Method() releases it
    functions: tuple[str, ...] = ()  # Function(resource...) releases it
    what: str = "it"
    before: tuple[int, int] | None = None  # only a leak before this Go release
    min_args: int = 0  # fewer arguments means another API with the same method name
    trigger: tuple[bytes, ...] = ()  # text a file must contain to be worth walking


def _callee_names(acquire: re.Pattern) -> tuple[str, ...]:
    """The names an `acquire` pattern ends in, `^os\\.(Open|Create)$` -> (Open, Create): only
    calls of those names are looked at (ctx.calls_named), not every call of the file."""
    m = re.search(r"\\\.(?:\(([\w|]+)\)|(\w+))\$$", acquire.pattern)
    if m is None:
        raise ValueError(f"acquire pattern {acquire.pattern!r} must end in \\.Name$ or \\.(Name|Name...)$")
    return tuple((m.group(1) or m.group(2)).split("|"))


RULES = (
    ResourceRule("file-unclosed", re.compile(r"^os\.(Open|Create|OpenFile)$"), 0, ("Close",), what="the file", trigger=(b"os.Open", b"os.Create")),
    # url.URL.Query() has no arguments; database/sql's Query takes the SQL text.
    ResourceRule("sql-rows-unclosed", re.compile(r"^[\w.]+\.(Query|QueryContext)$"), 0, ("Close",), what="the rows", min_args=1, trigger=(b".Query",)),
    ResourceRule("sql-tx-open", re.compile(r"^[\w.]+\.(Begin|BeginTx)$"), 0, ("Rollback", "Commit"), what="the transaction", trigger=(b".Begin",)),
    ResourceRule("sql-stmt-unclosed", re.compile(r"^[\w.]+\.(Prepare|PrepareContext)$"), 0, ("Close",), what="the statement", min_args=1, trigger=(b".Prepare",)),
    ResourceRule("grpc-conn-unclosed", re.compile(r"^grpc\.(Dial|DialContext|NewClient)$"), 0, ("Close",), what="the connection", trigger=(b"grpc.",)),
    ResourceRule("test-server-leak", re.compile(r"^httptest\.(NewServer|NewTLSServer|NewUnstartedServer)$"), 0, ("Close",), what="the test server", trigger=(b"httptest.New",)),
    ResourceRule("pipe-unclosed", re.compile(r"^io\.Pipe$"), 1, ("Close", "CloseWithError"), what="the pipe's writer", trigger=(b"io.Pipe",)),
    ResourceRule("cgo-unfreed", re.compile(r"^C\.(CString|CBytes|malloc|calloc)$"), 0, functions=("C.free",), what="the C memory", trigger=(b"C.",)),
    ResourceRule("timer-unstopped", re.compile(r"^time\.NewTimer$"), 0, ("Stop",), what="the timer", before=(1, 23), trigger=(b"time.NewTimer",)),
)


# Standard-library calls that use a resource without taking it over: passing a file to
# bufio.NewScanner or io.Copy does not make anyone else close it.
BORROWING_PACKAGES = frozenset(
    "C bufio io ioutil fmt json xml csv gzip zlib flate tar zip base64 hex binary bytes strings log slog sort strconv".split()
)
# Generated gRPC stubs (pb.NewGreeterClient(conn)) wrap a connection without owning it.
BORROWING_CONSTRUCTOR = re.compile(r"\.New\w*Client$")


def borrowed(argument_list, ctx: CodeContext) -> bool:
    """The call these arguments go to only uses them (io.Copy, bufio.NewScanner, json.NewDecoder, ...)."""
    call = argument_list.parent
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is None:
        return False
    text = ctx.text(callee)
    return text.split(".", 1)[0] in BORROWING_PACKAGES or bool(BORROWING_CONSTRUCTOR.search(text))


def _leaves(func, name: str, after: int, ctx: CodeContext) -> bool:
    """The resource is returned, passed on, or stored somewhere that outlives the function."""
    alone = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w.])")
    for node in ctx.subtree(func):
        if node.start_byte < after:
            continue
        if node.type == "argument_list" and any(_is_name(a, name, ctx) for a in node.named_children) and not borrowed(node, ctx):
            return True
        if node.type in ("keyed_element", "send_statement") and alone.search(ctx.text(node)):
            return True
        # Returned or assigned elsewhere as itself (not `return int(f(x))`, `_, err = g(x).Do()`).
        values = None
        if node.type == "return_statement" and node.named_children:
            values = node.named_children[0]
        elif node.type == "assignment_statement":
            values = node.child_by_field_name("right")
        if values is not None:
            items = values.named_children if values.type == "expression_list" else [values]
            if any(_is_name(item, name, ctx) for item in items):
                return True
    return False


def _is_name(expression, name: str, ctx: CodeContext) -> bool:
    """`x`, `&x` or a composite literal holding x: the value itself travels."""
    text = ctx.text(expression).lstrip("&")
    if text == name:
        return True
    return expression.type in ("composite_literal", "unary_expression") and bool(
        re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", ctx.text(expression))
    )


def _guard(statement, ctx: CodeContext):
    """The `if err != nil { ... }` right after the acquiring statement: its returns leave nothing behind."""
    sibling = statement.next_named_sibling
    if sibling is not None and sibling.type == "if_statement":
        condition = sibling.child_by_field_name("condition")
        if condition is not None and "err" in ctx.text(condition):
            return sibling
    return None


def _skipped_by_return(func, statement, release_start: int, ctx: CodeContext) -> bool:
    """A return between acquiring and the first (not deferred) release leaves it unreleased."""
    guard = _guard(statement, ctx)
    for node in ctx.subtree(func):
        if node.type != "return_statement" or not statement.end_byte < node.start_byte < release_start:
            continue
        if guard is not None and guard.start_byte <= node.start_byte < guard.end_byte:
            continue
        if enclosing_function(node) != func:
            continue
        return True
    return False


def _releases(func, name: str, rule: ResourceRule, ctx: CodeContext) -> list:
    """The calls in `func` that release `name`, in one walk of the function."""
    found = []
    wanted = {f"{name}.{m}" for m in rule.methods}
    for node in ctx.subtree(func):
        if node.type == "selector_expression" and node.parent.type != "call_expression":
            # A method value handed over (t.Cleanup(srv.Close), AfterFunc(ctx, w.Close)) releases it too.
            if ctx.text(node) in wanted:
                found.append(node)
        elif node.type == "call_expression":
            callee = ctx.text(node.child_by_field_name("function"))
            if callee in wanted:
                found.append(node)
            elif callee in rule.functions:
                args = node.child_by_field_name("arguments")
                if args is not None and re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", ctx.text(args)):
                    found.append(node)
    return found


def _in_defer(node) -> bool:
    current = node.parent
    while current is not None:
        if current.type == "defer_statement":
            return True
        if current.type in ("function_declaration", "method_declaration"):
            return False
        current = current.parent
    return False


def _declared_in(func, name: str, ctx: CodeContext) -> bool:
    """`name` is a parameter or local of `func` (or of a function around it), not a
    package-level variable or a named result."""
    current = func
    while current is not None:
        if current.type in ("function_declaration", "method_declaration", "func_literal"):
            parameters = current.child_by_field_name("parameters")
            receiver = current.child_by_field_name("receiver")
            for part in (parameters, receiver):
                if part is not None and any(ctx.text(n) == name for n in ctx.subtree(part) if n.type == "identifier"):
                    return True
            for node in ctx.subtree(current):
                if node.type == "short_var_declaration":
                    left = node.child_by_field_name("left")
                    if any(ctx.text(n) == name for n in left.named_children):
                        return True
                elif node.type == "var_spec" and any(ctx.text(n) == name for n in node.children_by_field_name("name")):
                    return True
                elif node.type == "range_clause" and node.child_by_field_name("left") is not None and any(
                    ctx.text(n) == name for n in node.child_by_field_name("left").named_children
                ):
                    return True
        current = current.parent
    return False


def _check(ctx: CodeContext, rule: ResourceRule, names: tuple[str, ...]) -> None:
    confidence, note = "high", ""
    if rule.before is not None:
        report, confidence, note = ctx.version_gate(*rule.before)
        if not report:
            return
    for call, callee in ctx.calls_named(*names):
        if not rule.acquire.match(callee):
            continue
        arguments = call.child_by_field_name("arguments")
        if rule.min_args and (arguments is None or len(arguments.named_children) < rule.min_args):
            continue
        assignment = assignment_of(call, ctx.text)
        if assignment is None or len(assignment[1]) <= rule.result:
            continue
        statement, names = assignment
        name = names[rule.result]
        func = enclosing_function(call)
        if func is None:
            continue  # package level: lives as long as the program
        if name == "_":
            ctx.report(rule.id, call, f"{rule.what} from `{callee}` is discarded and can never be released", confidence, note)
            continue
        if "." in name or _leaves(func, name, statement.end_byte, ctx):
            continue
        if statement.type == "assignment_statement" and not _declared_in(func, name, ctx):
            continue  # `f, err = os.Open(...)` into a package-level variable (or a named result): it outlives the call
        release = " or ".join(f"{name}.{m}()" for m in rule.methods) or " or ".join(f"{f}({name})" for f in rule.functions)
        releases = _releases(func, name, rule, ctx)
        if not releases:
            ctx.report(rule.id, call, f"{rule.what} `{name}` from `{callee}` is never released ({release})", confidence, note)
        # A deferred release, or a method value registered for later (t.Cleanup(srv.Close)), covers every path.
        elif not any(_in_defer(r) or r.type == "selector_expression" for r in releases) and _skipped_by_return(func, statement, min(r.start_byte for r in releases), ctx):
            ctx.report(rule.id, call, f"a return skips {release} for {rule.what} `{name}`", confidence, note)


def _register(rule: ResourceRule) -> None:
    names = _callee_names(rule.acquire)  # a pattern of another shape fails here, at import

    def detect(ctx: CodeContext) -> None:
        _check(ctx, rule, names)

    detect.__name__ = rule.id.replace("-", "_")
    register(rule.id, detect, rule.trigger)


for _rule in RULES:
    _register(_rule)
