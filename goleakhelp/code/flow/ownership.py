"""Follow one acquired value through its function: where is it released, handed on,
overwritten, or still held at an exit?

Ownership hand-off is explicit and narrow: the value is returned, stored in a field, a
map, a slice or a composite literal, assigned to another variable, sent on a channel,
captured by a goroutine or a callback, or passed to a function that is not known to only
borrow it. Using it (`f.Sync()`, `io.ReadAll(resp.Body)`, `bufio.NewScanner(f)`) is not a
hand-off. A release in a deferred closure counts, unless it sits under `if err != nil`:
then it covers only the paths that return an error. On the branch of `if err != nil`
after the acquiring call (also `errors.Is`, `os.IsNotExist(err)`, a later check with
statements in between, as long as err was not reassigned) the value is nil and needs
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goleakhelp.code.flow import conditions
from goleakhelp.code.flow.cfg import Graph
from goleakhelp.code.flow.paths import DONE, GO, KILL, Leak, leaks
from goleakhelp.code.syntax import conversion_of

RELEASE, CONDITIONAL, HAND, USE, REBIND, DECLARE = "release", "conditional", "hand", "use", "rebind", "declare"

# Standard-library calls that use a resource without taking it over: passing a file to
# bufio.NewScanner or io.Copy does not make anyone else close it.
BORROWING_PACKAGES = frozenset(
    "C bufio io ioutil fmt json xml csv gzip zlib flate tar zip base64 hex binary bytes strings log slog sort strconv".split()
)
# Generated gRPC stubs (pb.NewGreeterClient(conn)) wrap a connection without owning it.
BORROWING_CONSTRUCTOR = re.compile(r"\.New\w*Client$")
# Functions whose names say they only look at or write through what they are given.
BORROWING_NAME = re.compile(r"(?:^|\.)(Fsync|Sync|Flush|Stat|Lstat|Fstat|Read\w*|Write\w*|Print\w*|Fprint\w*|Scan\w*|Decode|Encode|Unmarshal\w*|Marshal\w*|Copy\w*|Len|Seek)$")

ERR_LIVE = 1  # err still holds the acquiring call's error
ERR_ONLY = 2  # a deferred closure releases it, but only when err != nil


@dataclass(frozen=True)
class Release:
    methods: tuple[str, ...] = ()  # selector paths called on the value: "Close", "Body.Close"
    functions: tuple[str, ...] = ()  # callees taking the value as an argument: "C.free"
    any_use: bool = False  # every reference counts as release (the cancel func of context.WithCancel, as go vet's lostcancel)
    receives: tuple[str, ...] = ()  # a receive from this field releases it: <-timer.C, the timer fired


def borrowed(callee: str) -> bool:
    """A call of `callee` only uses its arguments (io.Copy, bufio.NewScanner, json.NewDecoder, ...)."""
    return callee.split(".", 1)[0] in BORROWING_PACKAGES or bool(BORROWING_CONSTRUCTOR.search(callee)) or bool(BORROWING_NAME.search(callee))


class Tracker:
    """One value `name`, acquired by `statement` (an item of `graph`) together with `err`."""

    def __init__(self, ctx, graph: Graph, name: str, err: str | None, statement, release: Release, summaries=None):
        self.ctx, self.graph, self.name, self.release = ctx, graph, name, release
        self.err = err if err not in (None, "_") else None
        self.statement = statement
        self.summaries = summaries
        self.text = ctx.text
        self.scope = _block_of(statement)
        self.guards = conditions.guards(statement, graph.func, ctx.text)
        # What each occurrence does does not depend on which acquiring statement is followed:
        # computed once per function and name, so many acquisitions of one variable stay linear.
        key = ("occurrences", graph.func.id, name, self.err, release)
        self.roles, self.err_kills = ctx.shared(key, self._occurrences)

    def _occurrences(self) -> tuple[dict[int, list], set[int]]:
        """(item id -> roles of the value's occurrences in it, items that assign err again)."""
        ctx, graph, func = self.ctx, self.graph, self.graph.func
        self.roles = roles = {}
        releasers: set[str] = set()  # local closures that release the value: `stop := func() { t.Stop() }`
        own = [t for t in ctx.tokens_within(self.name, func) if t.type == "identifier"]
        for token in own:
            located = graph.locate(token)
            if located is not None:
                closure = self._closure_name(token, graph.blocks[located[0]].items[located[1]])
                if closure is not None:
                    releasers.add(closure)
        for token in own:
            self._add(token, self._role(token))
        for closure in releasers:
            for token in ctx.tokens_within(closure, func):
                if token.type == "identifier":
                    self._add(token, self._closure_call_role(token))
        kills: set[int] = set()
        if self.err is not None:
            for token in ctx.tokens_within(self.err, func):
                if token.type == "identifier" and self._assigned(token):
                    located = graph.locate(token)
                    if located is not None:
                        item = graph.blocks[located[0]].items[located[1]]
                        if self._closure(token, item) is None:
                            kills.add(item.id)
        return roles, kills

    def _add(self, token, role) -> None:
        located = self.graph.locate(token)
        if located is None:
            return
        item = self.graph.blocks[located[0]].items[located[1]]
        role = self._in_closure(token, item, role)
        self.roles.setdefault(item.id, []).append(role)

    # -- what one occurrence does ----------------------------------------------------------

    def _role(self, token) -> str:
        node, path = token, []
        while (parent := node.parent) is not None and parent.type == "selector_expression" and _same(parent.child_by_field_name("operand"), node):
            field = parent.child_by_field_name("field")
            path.append(self.text(field) if field is not None else "")
            node = parent
        dotted = ".".join(path)
        parent = node.parent
        if path:
            if parent is not None and parent.type == "call_expression" and _same(parent.child_by_field_name("function"), node):
                return RELEASE if dotted in self.release.methods or self.release.any_use else USE
            if dotted in self.release.methods:
                return HAND  # a method value registered for later: t.Cleanup(srv.Close)
            if dotted in self.release.receives:
                if parent is not None and parent.type == "unary_expression" and self.text(parent).startswith("<-"):
                    return RELEASE
                return self._flow(node)  # `timeout = timer.C`: received under another name
            if any(m.startswith(dotted + ".") for m in self.release.methods):
                return self._flow(node)  # resp.Body travels as the resource
            return RELEASE if self.release.any_use else USE
        role = self._flow(node)
        if self.release.any_use and role in (USE, HAND):
            return RELEASE
        return role

    def _flow(self, node) -> str:
        """Where the value at `node` goes."""
        while True:
            parent = node.parent
            if parent is not None and (
                parent.type == "parenthesized_expression"
                or (parent.type == "unary_expression" and self.text(parent).startswith("&"))
                or (parent.type == "type_assertion_expression" and _same(parent.child_by_field_name("operand"), node))
            ):
                node = parent
            elif (converted := conversion_of(node, self.text)) is not None:
                node = converted  # `C.free(unsafe.Pointer(p))` frees p itself
            else:
                break
        parent = node.parent
        if parent is None:
            return USE
        kind = parent.type
        if kind == "argument_list":
            call = parent.parent
            callee_node = call.child_by_field_name("function") if call is not None else None
            callee = self.text(callee_node) if callee_node is not None else ""
            if callee in self.release.functions:
                return RELEASE
            if self.summaries is not None:
                verdict = self.summaries.passing(callee, _index(parent, node), self.release)
                if verdict is not None:
                    return verdict
            return USE if borrowed(callee) else HAND
        holder = parent.parent if kind == "expression_list" else parent
        if holder is None:
            return USE
        hold = holder.type
        if hold == "return_statement":
            return HAND
        if hold in ("assignment_statement", "short_var_declaration"):
            left = holder.child_by_field_name("left")
            if left is not None and left.start_byte <= node.start_byte < left.end_byte:
                if node.type != "identifier":
                    return USE
                operator = holder.child_by_field_name("operator")
                if operator is not None and self.text(operator) not in ("=", ":="):
                    return USE  # x += ...
                # `:=` reuses the variable in its own block and declares a new one in an inner block.
                return REBIND if hold == "assignment_statement" else (DECLARE, _block_of(holder))
            if left is not None and all(self.text(n) == "_" for n in left.named_children):
                return USE  # `_ = f` only silences the compiler
            return HAND
        if hold == "var_spec":
            return REBIND if any(_same(n, node) for n in holder.children_by_field_name("name")) else HAND
        if hold in ("keyed_element", "literal_element", "literal_value", "composite_literal"):
            return HAND
        if hold == "send_statement" and _same(holder.child_by_field_name("value"), node):
            return HAND
        if kind == "call_expression" and _same(parent.child_by_field_name("function"), node):
            return USE  # calling the value itself: cancel(), counted by any_use
        return USE

    def _assigned(self, token) -> bool:
        parent = token.parent
        holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
        if holder is None or holder.type not in ("assignment_statement", "short_var_declaration"):
            return False
        left = holder.child_by_field_name("left")
        return left is not None and left.start_byte <= token.start_byte < left.end_byte

    # -- closures ---------------------------------------------------------------------------

    def _closure(self, token, item):
        """The outermost func literal between the token and its item, or None."""
        found = None
        node = token.parent
        while node is not None and not _same(node, item):
            if node.type == "func_literal":
                found = node
            node = node.parent
        return found

    def _closure_name(self, token, item) -> str | None:
        """`stop` when the token releases the value inside `stop := func() {...}`."""
        literal = self._closure(token, item)
        if literal is None or self._role(token) != RELEASE:
            return None
        parent = literal.parent
        holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
        if holder is not None and holder.type in ("short_var_declaration", "assignment_statement"):
            left = holder.child_by_field_name("left")
            names = left.named_children if left is not None else []
            if len(names) == 1 and names[0].type == "identifier":
                return self.text(names[0])
        return None

    def _closure_call_role(self, token) -> str:
        parent = token.parent
        if parent is not None and parent.type == "call_expression" and _same(parent.child_by_field_name("function"), token):
            return RELEASE
        if parent is not None and parent.type == "argument_list":
            return HAND  # t.Cleanup(stop)
        return USE

    def _in_closure(self, token, item, role: str) -> str:
        literal = self._closure(token, item)
        if literal is None:
            return role
        if role == REBIND or isinstance(role, tuple):
            return USE
        if role not in (RELEASE, HAND):
            return role
        parent = literal.parent
        if parent is not None and parent.type == "call_expression" and _same(parent.child_by_field_name("function"), literal):
            runs = parent.parent
            if runs is not None and runs.type == "defer_statement":
                return CONDITIONAL if role == RELEASE and self._only_on_error(token, literal) else role
            if runs is not None and runs.type == "go_statement":
                return HAND
            return role  # called at once
        holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
        if holder is not None and holder.type in ("short_var_declaration", "assignment_statement"):
            left = holder.child_by_field_name("left")
            names = left.named_children if left is not None else []
            if len(names) == 1 and names[0].type == "identifier":
                return USE  # a local closure kept for later: its calls are what count (releasers)
        return HAND  # a callback that will run later: t.Cleanup(func() {...}), AfterFunc, a field

    def _only_on_error(self, token, literal) -> bool:
        """The release sits under `if err != nil` (or the else of `if err == nil`) inside the deferred closure."""
        node = token
        while node is not None and not _same(node, literal):
            parent = node.parent
            if parent is not None and parent.type == "if_statement":
                condition = parent.child_by_field_name("condition")
                consequence, alternative = parent.child_by_field_name("consequence"), parent.child_by_field_name("alternative")
                branch = conditions.TRUE if _same(consequence, node) else conditions.FALSE if _same(alternative, node) else None
                if branch is not None:
                    for err in {"err", self.err} - {None}:
                        if branch in conditions.set_on(condition, err, self.text):
                            return True
            node = parent
        return False

    # -- the walk ---------------------------------------------------------------------------

    def registered_before(self) -> bool:
        """A defer registered before the acquiring statement releases the value (`defer func() { if f != nil { f.Close() } }()`)."""
        for defer in self.graph.defers:
            if defer.start_byte < self.statement.start_byte and RELEASE in self.roles.get(defer.id, ()):
                return True
        return False

    def leaks(self) -> list[Leak]:
        located = self.graph.locate(self.statement)
        if located is None:
            return []
        state = ERR_LIVE if self.err is not None else 0
        return leaks(self.graph, located, state, self._step, self._branch, self._at_exit)

    def _step(self, item, state: int) -> tuple[str, int]:
        if item.id in self.err_kills:
            state &= ~ERR_LIVE
        roles = self.roles.get(item.id)
        if not roles:
            return GO, state
        if RELEASE in roles or HAND in roles:
            return DONE, state
        if REBIND in roles or (DECLARE, self.scope) in roles:
            return KILL, state
        if CONDITIONAL in roles:
            state |= ERR_ONLY
        return GO, state

    def _branch(self, cond, state: int) -> tuple[int, ...]:
        same = self.guards.get(self.text(cond))
        if same is not None:
            return (same,)
        allowed = {conditions.TRUE, conditions.FALSE}
        if state & ERR_LIVE:
            allowed -= conditions.set_on(cond, self.err, self.text)
        allowed -= conditions.nil_on(cond, self.name, self.text)
        return tuple(sorted(allowed)) if allowed else (conditions.TRUE, conditions.FALSE)

    def _at_exit(self, node, state: int) -> bool:
        if not state & ERR_ONLY:
            return True
        if node is None or not node.named_children:
            return False  # a bare return or the end: the named err decides, which we cannot see
        values = node.named_children[0]
        last = values.named_children[-1] if values.type == "expression_list" and values.named_children else values
        return not _is_error_value(last, self.text)


def _is_error_value(node, text) -> bool:
    """`err`, `ctxErr`, `errors.New(...)`, `fmt.Errorf(...)`, `errors.Wrap(err, ...)`: a
    returned error the deferred `if err != nil` release will see as set."""
    if node.type == "identifier":
        return "err" in text(node).lower()
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        name = text(callee) if callee is not None else ""
        return name.startswith("errors.") or name == "fmt.Errorf" or "err" in name.rsplit(".", 1)[-1].lower() or name.endswith(("Wrap", "Wrapf"))
    return False


def _same(a, b) -> bool:
    return a is not None and b is not None and a.start_byte == b.start_byte and a.end_byte == b.end_byte and a.type == b.type


def _index(argument_list, node) -> int:
    for i, argument in enumerate(argument_list.named_children):
        if argument.start_byte <= node.start_byte < argument.end_byte:
            return i
    return -1


def _block_of(node):
    current = node.parent
    while current is not None and current.type not in ("block", "function_declaration", "method_declaration", "func_literal"):
        if current.type in ("if_statement", "for_statement", "expression_case", "type_case", "communication_case", "default_case"):
            return (current.start_byte, current.type)
        current = current.parent
    return (current.start_byte, current.type) if current is not None else None


def declared_locally(ctx, func, name: str) -> bool:
    """`name` is a parameter or local variable of `func` (or of a function around it), not
    a package-level variable or a named result, which outlive the call. Once per function
    and name: a function that opens one variable thousands of times asks it each time."""
    return ctx.shared(f"declared-locally:{func.id}:{name}", lambda: _declared_locally(ctx, func, name))


def _declared_locally(ctx, func, name: str) -> bool:
    for token in ctx.tokens_within(name, func):
        if token.type != "identifier":
            continue
        parent = token.parent
        holder = parent.parent if parent is not None and parent.type == "expression_list" else parent
        if holder is None:
            continue
        if holder.type == "short_var_declaration" and _in_field(holder, "left", token):
            return True
        if holder.type in ("var_spec", "range_clause") and (holder.type == "var_spec" or _in_field(holder, "left", token)):
            return True
        if holder.type == "parameter_declaration":
            owner = holder.parent
            function = owner.parent if owner is not None else None
            if function is not None and _same(function.child_by_field_name("result"), owner):
                return False  # a named result: returned to the caller
            return True
    return False


def _in_field(node, name: str, token) -> bool:
    part = node.child_by_field_name(name)
    return part is not None and part.start_byte <= token.start_byte < part.end_byte


def released_only_on_error(found: list[Leak]) -> bool:
    """Every leaking path had a deferred release guarded by `if err != nil`: the value is
    left to live on when the function succeeds, which can be deliberate (medium confidence)."""
    return bool(found) and all(leak.state & ERR_ONLY for leak in found)
