"""Small questions about a tree-sitter Go syntax tree that the detectors share."""

from __future__ import annotations

from collections.abc import Iterator

FUNCTION_TYPES = ("function_declaration", "method_declaration", "func_literal")


def walk(node) -> Iterator:
    """Every node below `node` (depth first, in source order), `node` included."""
    # A TreeCursor makes one Node per step; `node.children` would build a list per node.
    yield node
    cursor = node.walk()
    while True:
        if not cursor.goto_first_child():
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return
        yield cursor.node


def enclosing(node, types: tuple[str, ...], stop: tuple[str, ...] = FUNCTION_TYPES):
    """The nearest ancestor of one of `types`, not looking past a node of `stop` types."""
    current = node.parent
    while current is not None:
        if current.type in types:
            return current
        if current.type in stop:
            return None
        current = current.parent
    return None


def enclosing_function(node):
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def function_name(func, text) -> str:
    """`main`, `(*T).Run`, or "" for a function literal."""
    name = func.child_by_field_name("name")
    return text(name) if name is not None else ""


SETUP_FUNCTIONS = ("main", "init", "TestMain")


def runs_once(func, text, file_name: str) -> bool:
    """A function the program or `go test` calls once: main, init, TestMain, and in a
    _test.go file a TestXxx or ExampleXxx function, or a TestXxx method of a test suite
    (testify, gocheck, grpc's `func (s) TestXxx(t *testing.T)`), which runners call once
    each; benchmarks and fuzz targets run many times. What such a function makes "per
    call" is made once."""
    if func is None or func.type not in ("function_declaration", "method_declaration"):
        return False
    name = function_name(func, text)
    if func.type == "function_declaration" and name in SETUP_FUNCTIONS:
        return True
    if not file_name.endswith("_test.go"):
        return False
    return any(name == p or (name.startswith(p) and not name[len(p)].islower()) for p in ("Test", "Example"))


def own_nodes(func) -> Iterator:
    """Nodes of a function's body, not descending into nested function literals."""
    body = func.child_by_field_name("body")
    if body is None:
        return
    yield body
    cursor = body.walk()
    descend = True
    while True:
        if not (descend and cursor.goto_first_child()):
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return
        node = cursor.node
        descend = node.type != "func_literal"
        if descend:
            yield node


def calls(nodes, text) -> Iterator[tuple[object, str]]:
    """(call node, callee text) for each call expression, e.g. (node, "time.After")."""
    for node in nodes:
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None:
                yield node, text(callee)


def receiver_and_method(callee: str) -> tuple[str, str]:
    """`mu.Lock` -> ("mu", "Lock"); `s.mu.Lock` -> ("s.mu", "Lock")."""
    dot = callee.rfind(".")
    return (callee[:dot], callee[dot + 1 :]) if dot > 0 else ("", callee)


def assigned_names(node, text) -> list[str]:
    """Left-hand names of a `:=` or `=` statement ("_" included)."""
    left = node.child_by_field_name("left")
    if left is None:
        return []
    return [text(c) for c in left.named_children]


def assignment_of(call, text):
    """(statement, names) when `call` is the value of `a, b := call(...)`, `a = call(...)`
    or `var a = call(...)`; None otherwise."""
    parent = call.parent
    statement = parent.parent if parent is not None and parent.type == "expression_list" else parent
    if statement is None or statement.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    if statement.type == "var_spec":
        return statement, [text(n) for n in statement.children_by_field_name("name")]
    return statement, assigned_names(statement, text)


def conversion_of(node, text):
    """The conversion whose one operand is `node` (`unsafe.Pointer(p)`, `(*C.char)(p)`,
    `(*[n]C.int)(p)`): the same value under another type. None when `node` is not one."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "type_conversion_expression":
        operand = parent.child_by_field_name("operand")
        return parent if operand is not None and operand.start_byte == node.start_byte and operand.end_byte == node.end_byte else None
    call = parent.parent
    if parent.type != "argument_list" or call is None or call.type != "call_expression" or len(parent.named_children) != 1:
        return None
    callee = call.child_by_field_name("function")
    # A parenthesized callee is a type: `(*T)(x)`; among named callees only unsafe.Pointer is known to be one.
    if callee is not None and (callee.type == "parenthesized_expression" or (callee.type == "selector_expression" and text(callee) == "unsafe.Pointer")):
        return call
    return None
