"""Smaller detectors: contexts rewrapped in loops, loop variables captured before Go 1.22,
WaitGroups passed by value, AfterFunc timers dropped, commands started and never waited
for, HTTP servers without timeouts, connections read without a deadline."""

from __future__ import annotations

import re

from goleakhelp.code.context import CodeContext
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import assigned_names, assignment_of, calls, enclosing, enclosing_function, walk

DERIVE = re.compile(r"^context\.With(Value|Cancel|Timeout|Deadline)\w*$")


@detector("fat-context", b'context.With')
def fat_context(ctx: CodeContext) -> None:
    for node in ctx.nodes:
        if node.type != "assignment_statement":
            continue
        right = node.child_by_field_name("right")
        call = right.named_children[0] if right is not None and right.named_children else None
        if call is None or call.type != "call_expression" or not DERIVE.match(ctx.text(call.child_by_field_name("function"))):
            continue
        names = assigned_names(node, ctx.text)
        args = call.child_by_field_name("arguments")
        parent_arg = ctx.text(args.named_children[0]) if args is not None and args.named_children else ""
        if names and names[0] == parent_arg and enclosing(node, ("for_statement",)) is not None:
            ctx.report("fat-context", node, f"`{names[0]}` is rewrapped on every iteration, so the context chain grows without bound")


@detector("loopvar-capture", b'func(')
def loopvar_capture(ctx: CodeContext) -> None:
    report, confidence, note = ctx.version_gate(1, 22)
    if not report:
        return
    for loop in ctx.nodes:
        if loop.type != "for_statement":
            continue
        loop_vars = _loop_variables(loop, ctx)
        body = loop.child_by_field_name("body")
        if not loop_vars or body is None:
            continue
        for node in walk(body):
            if node.type not in ("go_statement", "defer_statement") and not _starts_goroutine(node, ctx):
                continue
            if node.type == "defer_statement" and _inside(enclosing_function(node), body):
                continue  # deferred to the end of a function literal inside the loop: the go statement or call running it is what matters
            literal = next((c for c in walk(node) if c.type == "func_literal"), None)
            if literal is None:
                continue
            params = {ctx.text(p) for d in walk(literal.child_by_field_name("parameters")) if d.type == "parameter_declaration" for p in d.children_by_field_name("name")}
            inside = list(walk(literal.child_by_field_name("body")))
            shared = loop_vars - params - _declared_before(node, body, ctx) - _declared_in(inside, ctx)
            used = {ctx.text(n) for n in inside if n.type == "identifier"} & shared
            if used:
                ctx.report("loopvar-capture", node, f"the closure captures loop variable {', '.join(sorted(used))}, shared by all iterations", confidence, note)


def _inside(node, outer) -> bool:
    return node is not None and outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _starts_goroutine(node, ctx: CodeContext) -> bool:
    """`g.Go(func() error {...})` (errgroup.Group, sync.WaitGroup): the literal runs later, in a goroutine."""
    if node.type != "call_expression":
        return False
    callee = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    return (
        callee is not None and callee.type == "selector_expression" and ctx.text(callee.child_by_field_name("field")) == "Go"
        and args is not None and len(args.named_children) == 1 and args.named_children[0].type == "func_literal"
    )


def _loop_variables(loop, ctx: CodeContext) -> set[str]:
    """The variables the for statement sets: `for k, v := range m`, `for i := 0; ...`."""
    clause = next((c for c in loop.named_children if c.type in ("range_clause", "for_clause")), None)
    if clause is None:
        return set()
    if clause.type == "range_clause":
        left = clause.child_by_field_name("left")
    else:
        init = clause.child_by_field_name("initializer")
        left = init.child_by_field_name("left") if init is not None and init.type in ("short_var_declaration", "assignment_statement") else None
    return {ctx.text(n) for n in left.named_children if ctx.text(n) != "_"} if left is not None else set()


def _declared_in(nodes, ctx: CodeContext) -> set[str]:
    """Names the closure declares itself (`for i := range a`, `v := ...`, `var v`, parameters
    of literals inside): those uses are not the loop's variable (the closure is left out even
    if it read the loop's before declaring its own)."""
    names: set[str] = set()
    for node in nodes:
        if node.type in ("short_var_declaration", "range_clause"):
            left = node.child_by_field_name("left")
            if left is not None and (node.type == "short_var_declaration" or any(c.type == ":=" for c in node.children)):
                names.update(ctx.text(n) for n in left.named_children if n.type == "identifier")
        elif node.type in ("var_spec", "parameter_declaration"):
            names.update(ctx.text(n) for n in node.children_by_field_name("name"))
    return names


def _declared_before(node, body, ctx: CodeContext) -> set[str]:
    """Names declared again (`f := f`, `var f = f`, a parameter of a func literal around
    `node`) between the loop body and `node`: inside the closure they are not the loop's."""
    names: set[str] = set()
    current = node
    while current is not None and current.parent is not None and not (current.start_byte == body.start_byte and current.end_byte == body.end_byte):
        parent = current.parent
        if parent.type == "func_literal":
            names.update(ctx.text(n) for d in walk(parent.child_by_field_name("parameters")) if d.type == "parameter_declaration" for n in d.children_by_field_name("name"))
        elif parent.type == "statement_list":
            for statement in parent.named_children:
                if statement.start_byte >= current.start_byte:
                    break
                if statement.type == "short_var_declaration":
                    names.update(assigned_names(statement, ctx.text))
                elif statement.type == "var_declaration":
                    names.update(ctx.text(n) for spec in walk(statement) if spec.type == "var_spec" for n in spec.children_by_field_name("name"))
        current = parent
    return names


@detector("wg-copied", b'sync.WaitGroup')
def wg_copied(ctx: CodeContext) -> None:
    holders = _structs_holding_waitgroup(ctx)
    for node in ctx.nodes:
        if node.type != "parameter_declaration":
            continue
        kind = ctx.text(node.child_by_field_name("type"))
        if kind == "sync.WaitGroup":
            ctx.report("wg-copied", node, "a sync.WaitGroup passed by value: Done and Wait act on a copy")
        elif kind in holders:
            what = "receiver" if node.parent is not None and node.parent.parent is not None and node.parent == node.parent.parent.child_by_field_name("receiver") else "parameter"
            ctx.report("wg-copied", node, f"a value {what} of type {kind} copies its sync.WaitGroup: Done and Wait act on a copy")


def _structs_holding_waitgroup(ctx: CodeContext) -> set[str]:
    """Struct types of the file with a sync.WaitGroup field held by value (named or embedded)."""
    holders = set()
    for spec in ctx.of_type("type_spec"):
        struct = spec.child_by_field_name("type")
        if struct is not None and struct.type == "struct_type":
            fields = (f for f in walk(struct) if f.type == "field_declaration" and f.parent is not None and f.parent.parent == struct)
            if any(ctx.text(f.child_by_field_name("type")) == "sync.WaitGroup" for f in fields):
                holders.add(ctx.text(spec.child_by_field_name("name")))
    return holders


@detector("afterfunc-long", b'time.AfterFunc')
def afterfunc_long(ctx: CodeContext) -> None:
    for call, callee in ctx.calls:
        if callee != "time.AfterFunc" or call.parent is None or call.parent.type != "expression_statement":
            continue
        args = call.child_by_field_name("arguments")
        delay = ctx.text(args.named_children[0]) if args is not None and args.named_children else ""
        # A short delay frees the closure soon anyway; minutes or hours keep it alive long.
        if re.search(r"\btime\.(Hour|Minute)\b", delay):
            confidence = "high"
        elif re.search(r"\btime\.(Second|Millisecond|Microsecond|Nanosecond)\b", delay) or re.fullmatch(r"\d+", delay):
            continue
        else:
            confidence = "low"
        ctx.report("afterfunc-long", call, f"the *Timer from time.AfterFunc({delay}, ...) is dropped, so it can never be stopped early", confidence)


def _handed_on(ident) -> bool:
    """The identifier is passed as a value: an argument, a composite literal element, a
    sent, returned or assigned value (`f(cmd)`, `T{c: cmd}`, `ch <- cmd`, `return cmd`,
    `s.cmd = cmd`), not the receiver of `cmd.X`."""
    node = ident
    parent = node.parent
    while parent is not None and (parent.type == "parenthesized_expression" or (parent.type == "unary_expression" and parent.child_by_field_name("operator").type == "&")):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("argument_list", "return_statement"):
        return True
    if parent.type == "literal_element":  # a value, not the key of a keyed element
        keyed = parent.parent
        return keyed is None or keyed.type != "keyed_element" or keyed.named_children[-1] == parent
    if parent.type == "send_statement":
        return parent.child_by_field_name("value") == node
    if parent.type == "expression_list":
        holder = parent.parent
        if holder is None:
            return False
        if holder.type == "return_statement":
            return True
        if holder.type in ("assignment_statement", "short_var_declaration"):
            return holder.child_by_field_name("right") == parent
        if holder.type == "var_spec":
            return holder.child_by_field_name("value") == parent
    return False


# Calls that wait for (reap) the child: Run/Output/CombinedOutput start and wait themselves.
_WAITS = ("Wait", "Run", "Output", "CombinedOutput", "Process.Wait")


@detector("exec-no-wait", b'.Start()')
def exec_no_wait(ctx: CodeContext) -> None:
    reported: set[int] = set()
    for made, callee in ctx.calls:
        if callee not in ("exec.Command", "exec.CommandContext"):
            continue
        assignment = assignment_of(made, ctx.text)
        func = enclosing_function(made)
        if assignment is None or not assignment[1] or func is None:
            continue
        cmd = assignment[1][0]
        if cmd == "_" or "." in cmd:
            continue
        func_calls = list(calls(walk(func), ctx.text))
        starts = [c for c, callee in func_calls if callee == f"{cmd}.Start" and c.start_byte > made.start_byte]
        if not starts or starts[0].id in reported:
            continue
        if any(callee in (f"{cmd}.{w}" for w in _WAITS) for _, callee in func_calls):
            continue  # waited for here (possibly in a goroutine or deferred closure)
        if any(n.type == "identifier" and ctx.text(n) == cmd and _handed_on(n) for n in walk(func)):
            continue  # handed to code that may wait for it
        reported.add(starts[0].id)
        if any(callee == f"{cmd}.Process.Release" for _, callee in func_calls):
            ctx.report("exec-no-wait", starts[0], f"`{cmd}` is started and only released: `{cmd}.Process.Release()` does not reap the child on Unix, it stays a zombie", "low")
            continue
        ctx.report("exec-no-wait", starts[0], f"`{cmd}` is started but never waited for: the child stays a zombie")


# Functions that build an http.Server with every timeout zero and serve with it; the
# second pair on a listener the caller made, as tests do around their own listener.
_LISTENS_BARE = ("http.ListenAndServe", "http.ListenAndServeTLS")
_SERVES_BARE = ("http.Serve", "http.ServeTLS")


@detector("server-no-timeouts", b'http.ListenAndServe', b'http.Serve')
def server_no_timeouts(ctx: CodeContext) -> None:
    test_code = _test_server_code(ctx)  # servers a test builds around its own listener, and net/http/httptest itself
    for call, callee in ctx.calls:
        if callee in _LISTENS_BARE or (callee in _SERVES_BARE and not test_code):
            ctx.report("server-no-timeouts", call, f"`{callee}` serves with no read, header or idle timeouts", "medium")
    if test_code:
        return
    for node in ctx.nodes:
        if node.type == "composite_literal" and ctx.text(node.child_by_field_name("type")) == "http.Server":
            body = node.child_by_field_name("body")
            keys = {ctx.text(e.named_children[0]) for e in (body.named_children if body else []) if e.type == "keyed_element"}
            if not keys & {"ReadHeaderTimeout", "ReadTimeout"} and not _read_timeout_set_later(node, ctx):
                ctx.report("server-no-timeouts", node, "`http.Server` without ReadHeaderTimeout or ReadTimeout", "medium")


def _read_timeout_set_later(literal, ctx: CodeContext) -> bool:
    """`srv := &http.Server{...}` followed by `srv.ReadHeaderTimeout = ...` in the same function."""
    value = literal.parent if literal.parent is not None and literal.parent.type == "unary_expression" else literal
    assignment = assignment_of(value, ctx.text)
    func = enclosing_function(literal)
    if assignment is None or len(assignment[1]) != 1 or func is None:
        return False
    pattern = rb"(?<![\w.])" + re.escape(assignment[1][0].encode()) + rb"\.(ReadHeaderTimeout|ReadTimeout)\s*=[^=]"
    return re.search(pattern, ctx.source.text[literal.end_byte : func.end_byte]) is not None


def _test_server_code(ctx: CodeContext) -> bool:
    if ctx.source.name.endswith("_test.go"):
        return True
    clause = next((c for c in ctx.source.root.named_children if c.type == "package_clause"), None)
    return clause is not None and ctx.text(clause).split()[-1] == "httptest"


_DIALS = ("net.Dial", "net.DialTimeout", "net.DialTCP", "net.DialUnix", "tls.Dial", "tls.DialWithDialer")
_DIALER_TYPES = ("net.Dialer", "*net.Dialer", "tls.Dialer", "*tls.Dialer")
# Calls that read from the argument at this index (or wrap it in something read next).
_READS_ARG = {
    "bufio.NewReader": 0,
    "bufio.NewReaderSize": 0,
    "bufio.NewScanner": 0,
    "io.ReadAll": 0,
    "io.ReadFull": 0,
    "io.ReadAtLeast": 0,
    "io.LimitReader": 0,
    "io.TeeReader": 0,
    "io.Copy": 1,
    "io.CopyN": 1,
    "io.CopyBuffer": 1,
    "ioutil.ReadAll": 0,
    "json.NewDecoder": 0,
    "gob.NewDecoder": 0,
    "xml.NewDecoder": 0,
    "binary.Read": 0,
    "fmt.Fscan": 0,
    "fmt.Fscanf": 0,
    "fmt.Fscanln": 0,
}


def _dialers(func, text) -> set[str]:
    """Names bound to a net.Dialer in a function: `d := net.Dialer{...}`, `d := &net.Dialer{}`,
    `var d net.Dialer`, or a parameter of that type."""
    names: set[str] = set()
    for node in walk(func):
        if node.type in ("parameter_declaration", "var_spec") and text(node.child_by_field_name("type") or node) in _DIALER_TYPES:
            names.update(text(n) for n in node.children_by_field_name("name"))
        if node.type == "composite_literal" and text(node.child_by_field_name("type")) in _DIALER_TYPES:
            holder = node.parent.parent if node.parent is not None and node.parent.type == "unary_expression" else node.parent
            statement = holder.parent if holder is not None and holder.type == "expression_list" else None
            if statement is not None and statement.type in ("short_var_declaration", "assignment_statement"):
                names.update(n for n in assigned_names(statement, text) if n != "_")
            elif statement is not None and statement.type == "var_spec":
                names.update(text(n) for n in statement.children_by_field_name("name"))
    return names


def _is_dial(callee: str, call, dialers: set[str], text) -> bool:
    if callee in _DIALS:
        return True
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return False
    if text(function.child_by_field_name("field")) not in ("Dial", "DialContext"):
        return False
    operand = function.child_by_field_name("operand")
    while operand is not None and operand.type in ("parenthesized_expression", "unary_expression"):
        operand = operand.named_children[-1] if operand.named_children else None
    if operand is None:
        return False
    if operand.type == "composite_literal":  # net.Dialer{Timeout: t}.Dial(...)
        return text(operand.child_by_field_name("type")) in _DIALER_TYPES
    return operand.type == "identifier" and text(operand) in dialers


@detector("tcp-no-deadline", b'net.Dial', b'tls.Dial')
def tcp_no_deadline(ctx: CodeContext) -> None:
    dialers_of: dict[int, set[str]] = {}
    for call, callee in ctx.calls:
        if not callee.endswith(("Dial", "DialContext", "DialTimeout", "DialTCP", "DialUnix", "DialWithDialer")):
            continue
        func = enclosing_function(call)
        if func is None:
            continue
        if func.id not in dialers_of:
            dialers_of[func.id] = _dialers(func, ctx.text)
        if not _is_dial(callee, call, dialers_of[func.id], ctx.text):
            continue
        assignment = assignment_of(call, ctx.text)
        if assignment is None or not assignment[1] or assignment[1][0] == "_":
            continue
        conn = assignment[1][0]
        func_calls = list(calls(walk(func), ctx.text))
        if any(c in (f"{conn}.SetDeadline", f"{conn}.SetReadDeadline") for _, c in func_calls):
            continue  # a read deadline is set here (possibly from context.AfterFunc)
        read = None
        for node, c in func_calls:
            if c == f"{conn}.Read":
                read = node
            elif c in _READS_ARG:
                args = node.child_by_field_name("arguments")
                index = _READS_ARG[c]
                if args is not None and len(args.named_children) > index and ctx.text(args.named_children[index]) == conn:
                    read = node
            if read is not None:
                break
        if read is not None:
            shown = ctx.text(read.child_by_field_name("function"))
            ctx.report("tcp-no-deadline", call, f"`{conn}` is read (`{shown}`) with no SetDeadline or SetReadDeadline: a silent peer blocks this goroutine forever", "medium")
