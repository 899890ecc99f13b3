"""A control-flow graph of one Go function body, built from the tree-sitter syntax tree.

Modelled on golang.org/x/tools/go/cfg: a graph of basic blocks, each a list of the
syntax nodes evaluated in order (simple statements, an `if` or loop condition, a range
clause, a case value, a select case's communication), joined by edges. A block that
ends in a two-way branch keeps its condition (`Block.cond`): `succs[0]` is taken when
it is true, `succs[1]` when false, which lets data flow prune the error branch of
`if err != nil`. Every `return` and the end of the body lead to the one exit block; a
call that never returns (panic, os.Exit, log.Fatal, t.Fatal, ...) ends its block with
no successor. `defer` statements stay in their block, in order, and are also listed on
the graph, so an analysis knows which deferred calls are registered on a path.

Function literals inside the body are not part of its graph; each has a graph of its own.
Nesting is bounded (MAX_NESTING): a deeper body raises NestedTooDeeply rather than
exhausting Python's stack.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

MAX_NESTING = 100  # compound statements inside each other; about 4 Python frames each, far below the recursion limit

# Calls after which the function does not go on: the process ends, the goroutine unwinds,
# or the test stops. Written as callee texts.
NO_RETURN = re.compile(
    r"^(panic|os\.Exit|runtime\.Goexit|log\.(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)"
    r"|\w+\.(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow)|klog\.(Fatal|Fatalf|Exit|Exitf)|logrus\.(Fatal|Fatalf|Panic|Panicf))$"
)

WALK_BUDGET_PER_ITEM, WALK_BUDGET_MIN = 64, 50_000


class NestedTooDeeply(Exception):
    """A function body nested deeper than MAX_NESTING statements."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line  # 0-based row of the statement where the bound was hit


@dataclass
class Block:
    index: int
    kind: str  # what made the block: entry, exit, if.then, for.body, case, ... (for tests and messages)
    items: list = field(default_factory=list)  # syntax nodes, in evaluation order
    succs: list[int] = field(default_factory=list)
    cond: object = None  # the condition this block ends on (succs = [if true, if false]), or None


@dataclass
class Graph:
    """The graph of one function: `blocks[0]` is the entry, `blocks[exit]` the exit."""

    func: object  # function_declaration, method_declaration or func_literal
    blocks: list[Block]
    exit: int
    defers: list  # defer_statement nodes, in source order
    # Item steps all walks of this graph may take together: each walk is linear, but a
    # function that acquires thousands of values would be walked thousands of times.
    budget: int = 0
    exhausted: bool = False  # a walk stopped because the budget ran out
    _starts: list[int] = field(default_factory=list)  # item start bytes, sorted
    _where: list[tuple[int, int]] = field(default_factory=list)  # (block, position) of each item in _starts order

    def locate(self, node) -> tuple[int, int] | None:
        """(block, position) of the item that holds `node`, or None (outside the body, or in a nested func literal's own graph is still inside its item)."""
        i = bisect_right(self._starts, node.start_byte) - 1
        if i < 0:
            return None
        block, position = self._where[i]
        item = self.blocks[block].items[position]
        if item.start_byte <= node.start_byte and node.end_byte <= item.end_byte:
            return block, position
        return None

    def preds(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.blocks]
        for block in self.blocks:
            for s in block.succs:
                out[s].append(block.index)
        return out


def build_graph(func, text) -> Graph:
    """The graph of `func`'s body; `text(node)` gives a node's source. Raises NestedTooDeeply."""
    builder = _Builder(text)
    body = func.child_by_field_name("body")
    entry = builder.new("entry")
    exit_ = builder.new("exit")
    end = builder.statement(body, entry, 0) if body is not None else entry
    if end is not None:
        builder.jump(end, exit_)
    for label, target in builder.labels.items():
        if label not in builder.placed:  # goto to a label that does not exist: a dead end
            builder.blocks[target].kind = "label.missing"
    items = sum(len(b.items) for b in builder.blocks)
    graph = Graph(func, builder.blocks, exit_, sorted(builder.defers, key=lambda n: n.start_byte), WALK_BUDGET_PER_ITEM * items + WALK_BUDGET_MIN)
    located = sorted(
        ((item.start_byte, b.index, p) for b in builder.blocks for p, item in enumerate(b.items)),
    )
    graph._starts = [start for start, _, _ in located]
    graph._where = [(b, p) for _, b, p in located]
    return graph


class _Builder:
    def __init__(self, text):
        self.text = text
        self.blocks: list[Block] = []
        self.defers: list = []
        self.labels: dict[str, int] = {}  # label -> block that starts at it
        self.placed: set[str] = set()
        # Enclosing breakable statements: (label or None, break target, continue target or None).
        self.targets: list[tuple[str | None, int, int | None]] = []
        self.fallthrough_to: list[int | None] = []  # the next case body, for fallthrough
        self.pending_label: str | None = None

    def new(self, kind: str) -> int:
        self.blocks.append(Block(len(self.blocks), kind))
        return len(self.blocks) - 1

    def jump(self, source: int, target: int) -> None:
        self.blocks[source].succs.append(target)

    def label_block(self, name: str) -> int:
        if name not in self.labels:
            self.labels[name] = self.new(f"label.{name}")
        return self.labels[name]

    def add(self, current: int | None, node) -> int:
        """Append `node` to the current block; after a jump, code goes into an unreachable block."""
        if current is None:
            current = self.new("unreachable")
        self.blocks[current].items.append(node)
        return current

    # -- statements: each returns the block that control falls into after it, or None ----------

    def statement(self, node, current: int | None, depth: int) -> int | None:
        if depth > MAX_NESTING:
            raise NestedTooDeeply(node.start_point[0])
        kind = node.type
        handler = _HANDLERS.get(kind)
        if handler is not None:
            return handler(self, node, current, depth if kind in ("block", "statement_list") else depth + 1)
        if kind in ("comment", "empty_statement", "{", "}", ";"):
            return current
        current = self.add(current, node)
        if kind == "expression_statement" and self._no_return(node):
            return None
        return current

    def statements(self, nodes, current, depth):
        for child in nodes:
            if child.is_named:
                current = self.statement(child, current, depth)
        return current

    def block(self, node, current, depth):
        for child in node.named_children:
            if child.type == "statement_list":  # one frame less per level of nesting
                current = self.statements(child.named_children, current, depth)
            elif child.is_named:
                current = self.statement(child, current, depth)
        return current

    def _no_return(self, statement) -> bool:
        call = statement.named_children[0] if statement.named_children else None
        if call is None or call.type != "call_expression":
            return False
        callee = call.child_by_field_name("function")
        return callee is not None and NO_RETURN.match(self.text(callee)) is not None

    def return_(self, node, current, depth):
        current = self.add(current, node)
        self.jump(current, 1)  # the exit block
        return None

    def defer(self, node, current, depth):
        self.defers.append(node)
        return self.add(current, node)

    def _header(self, node, current, depth, field: str):
        """The `init;` statement of an if or switch, then its `field` expression: (current, expression)."""
        initializer = node.child_by_field_name("initializer")
        if initializer is not None:
            current = self.statement(initializer, current, depth)
        expression = node.child_by_field_name(field)
        if expression is not None:
            current = self.add(current, expression)
        return current, expression

    def if_(self, node, current, depth):
        current, condition = self._header(node, current, depth, "condition")
        if condition is None and current is None:
            current = self.new("unreachable")
        then = self.new("if.then")
        after = self.new("if.done")
        alternative = node.child_by_field_name("alternative")
        other = self.new("if.else") if alternative is not None else after
        self.blocks[current].succs = [then, other]
        self.blocks[current].cond = condition
        consequence = node.child_by_field_name("consequence")
        end = self.statement(consequence, then, depth) if consequence is not None else then
        if end is not None:
            self.jump(end, after)
        if alternative is not None:
            end = self.statement(alternative, other, depth)
            if end is not None:
                self.jump(end, after)
        return after

    def for_(self, node, current, depth):
        label, self.pending_label = self.pending_label, None
        clause = next((c for c in node.named_children if c.type != "block" and c.type != "comment"), None)
        body_node = node.child_by_field_name("body")
        head = self.new("for.head")
        body = self.new("for.body")
        after = self.new("for.done")
        post = head
        condition = None
        if clause is not None and clause.type == "for_clause":
            initializer = clause.child_by_field_name("initializer")
            if initializer is not None:
                current = self.statement(initializer, current, depth)
            condition = clause.child_by_field_name("condition")
            update = clause.child_by_field_name("update")
            if update is not None:
                post = self.new("for.post")
                self.add(post, update)
                self.jump(post, head)
        elif clause is not None and clause.type == "range_clause":
            self.add(head, clause)  # assigns the loop variables on each iteration
            self.blocks[head].succs = [body, after]
        elif clause is not None:
            condition = clause
        if current is None:
            current = self.new("unreachable")
        self.jump(current, head)
        if condition is not None:
            self.add(head, condition)
            self.blocks[head].succs = [body, after]
            self.blocks[head].cond = condition
        elif clause is None or clause.type == "for_clause":
            self.blocks[head].succs = [body]  # `for {}`: left only by break, return or goto
        self.targets.append((label, after, post))
        end = self.statement(body_node, body, depth) if body_node is not None else body
        self.targets.pop()
        if end is not None:
            self.jump(end, post)
        return after

    def _cases(self, node, current, depth, kind: str, tagless: bool):
        """Switch and select: each case an edge from the head (a tagless switch tests its
        cases in order, so each case value is a condition); `default` taken last."""
        label, self.pending_label = self.pending_label, None
        after = self.new(f"{kind}.done")
        if current is None:
            current = self.new("unreachable")
        cases = [c for c in node.named_children if c.type in ("expression_case", "type_case", "communication_case", "default_case")]
        bodies = [self.new(f"{kind}.case") for _ in cases]
        default = next((bodies[i] for i, c in enumerate(cases) if c.type == "default_case"), None)
        test = current
        for i, case in enumerate(cases):
            if case.type == "default_case":
                continue
            value = case.child_by_field_name("value") or case.child_by_field_name("communication")
            if kind == "select":
                self.jump(current, bodies[i])
                if value is not None:
                    self.add(bodies[i], value)
                continue
            if value is not None:
                self.add(test, value)
            following = self.new(f"{kind}.next")
            self.blocks[test].succs = [bodies[i], following]
            if tagless and value is not None and len(value.named_children) == 1:
                self.blocks[test].cond = value.named_children[0]
            test = following
        if kind == "select":
            if default is not None:
                self.jump(current, default)
            elif not cases:
                return None  # `select {}` blocks forever
        else:
            self.jump(test, default if default is not None else after)
        self.targets.append((label, after, None))
        for i, case in enumerate(cases):
            self.fallthrough_to.append(bodies[i + 1] if i + 1 < len(bodies) else None)
            skip = case.child_by_field_name("value") or case.child_by_field_name("communication")
            statements = [c for c in case.named_children if c != skip and c.type not in ("type_identifier", "qualified_type", "pointer_type")]
            if case.type == "type_case":
                statements = [c for c in case.named_children if c.type == "statement_list"]
            end = self.statements(statements, bodies[i], depth)
            self.fallthrough_to.pop()
            if end is not None:
                self.jump(end, after)
        self.targets.pop()
        return after

    def switch(self, node, current, depth):
        current, value = self._header(node, current, depth, "value")
        return self._cases(node, current, depth, "switch", tagless=value is None)

    def type_switch(self, node, current, depth):
        initializer = node.child_by_field_name("initializer")
        if initializer is not None:
            current = self.statement(initializer, current, depth)
        value = node.child_by_field_name("value")
        if value is not None:
            current = self.add(current, value)
        return self._cases(node, current, depth, "typeswitch", tagless=False)

    def select(self, node, current, depth):
        return self._cases(node, current, depth, "select", tagless=False)

    def labeled(self, node, current, depth):
        name_node = node.child_by_field_name("label")
        name = self.text(name_node) if name_node is not None else ""
        target = self.label_block(name)
        self.placed.add(name)
        if current is not None:
            self.jump(current, target)
        inner = next((c for c in node.named_children if c.type != "label_name"), None)
        if inner is None:
            return target
        if inner.type in ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"):
            self.pending_label = name
        return self.statement(inner, target, depth)

    def branch(self, node, current, depth):
        current = self.add(current, node)
        kind = node.type
        label_node = next((c for c in node.named_children if c.type == "label_name"), None)
        label = self.text(label_node) if label_node is not None else None
        if kind == "goto_statement":
            if label is not None:
                self.jump(current, self.label_block(label))
            return None
        if kind == "fallthrough_statement":
            target = self.fallthrough_to[-1] if self.fallthrough_to else None
            if target is not None:
                self.jump(current, target)
            return None
        for name, break_to, continue_to in reversed(self.targets):
            if label is not None and name != label:
                continue
            if kind == "break_statement":
                self.jump(current, break_to)
                return None
            if continue_to is not None:  # continue skips switches and selects
                self.jump(current, continue_to)
                return None
        return None  # a break or continue outside any loop: not valid Go, nothing follows


_HANDLERS = {
    "block": _Builder.block,
    "statement_list": _Builder.block,
    "return_statement": _Builder.return_,
    "defer_statement": _Builder.defer,
    "if_statement": _Builder.if_,
    "for_statement": _Builder.for_,
    "expression_switch_statement": _Builder.switch,
    "type_switch_statement": _Builder.type_switch,
    "select_statement": _Builder.select,
    "labeled_statement": _Builder.labeled,
    "goto_statement": _Builder.branch,
    "break_statement": _Builder.branch,
    "continue_statement": _Builder.branch,
    "fallthrough_statement": _Builder.branch,
}
