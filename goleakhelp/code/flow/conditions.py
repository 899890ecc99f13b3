"""What a branch condition says about an error variable or a value being nil.

`if err != nil`, `if err == nil`, `errors.Is(err, x)`, `os.IsNotExist(err)`, and `&&`,
`||`, `!` and parentheses around them: on which branch is the error certainly set
(so the resource returned with it is nil and needs no release)?
"""

from __future__ import annotations

TRUE, FALSE = 0, 1  # indices into Block.succs


def unwrap(node):
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def set_on(cond, name: str, text) -> frozenset[int]:
    """The branches (TRUE, FALSE) on which the variable `name` is certainly non-nil."""
    cond = unwrap(cond)
    if cond is None:
        return frozenset()
    kind = cond.type
    if kind == "binary_expression":
        operator = cond.child_by_field_name("operator")
        op = text(operator) if operator is not None else ""
        left, right = unwrap(cond.child_by_field_name("left")), unwrap(cond.child_by_field_name("right"))
        if op in ("!=", "=="):
            sides = {text(left) if left is not None else "", text(right) if right is not None else ""}
            if sides == {name, "nil"}:
                return frozenset({TRUE if op == "!=" else FALSE})
            return frozenset()
        a, b = set_on(left, name, text), set_on(right, name, text)
        if op == "&&":  # true: both hold; false: either may fail
            return frozenset(({TRUE} if TRUE in a or TRUE in b else set()) | ({FALSE} if FALSE in a and FALSE in b else set()))
        if op == "||":
            return frozenset(({TRUE} if TRUE in a and TRUE in b else set()) | ({FALSE} if FALSE in a or FALSE in b else set()))
        return frozenset()
    if kind == "unary_expression":
        operator = cond.child_by_field_name("operator")
        if operator is not None and text(operator) == "!":
            inner = set_on(cond.child_by_field_name("operand"), name, text)
            return frozenset(1 - b for b in inner)
        return frozenset()
    if kind == "call_expression":
        # errors.Is(err, x), errors.As(err, &t), os.IsNotExist(err), isRetryable(err): true only for an error.
        callee = cond.child_by_field_name("function")
        args = cond.child_by_field_name("arguments")
        if callee is None or args is None or not args.named_children:
            return frozenset()
        last = text(callee).rsplit(".", 1)[-1]
        if text(unwrap(args.named_children[0])) == name and (last in ("Is", "As") or last.startswith("Is")):
            return frozenset({TRUE})
    return frozenset()


def nil_on(cond, name: str, text) -> frozenset[int]:
    """The branches on which `name` is certainly nil (`v == nil` true, `v != nil` false)."""
    cond = unwrap(cond)
    if cond is None or cond.type != "binary_expression":
        return frozenset()
    operator = cond.child_by_field_name("operator")
    op = text(operator) if operator is not None else ""
    left, right = unwrap(cond.child_by_field_name("left")), unwrap(cond.child_by_field_name("right"))
    if op in ("==", "!="):
        sides = {text(left) if left is not None else "", text(right) if right is not None else ""}
        if sides == {name, "nil"}:
            return frozenset({TRUE if op == "==" else FALSE})
        return frozenset()
    a, b = nil_on(left, name, text), nil_on(right, name, text)
    if op == "&&":
        return frozenset(({TRUE} if TRUE in a or TRUE in b else set()) | ({FALSE} if FALSE in a and FALSE in b else set()))
    if op == "||":
        return frozenset(({TRUE} if TRUE in a and TRUE in b else set()) | ({FALSE} if FALSE in a or FALSE in b else set()))
    return frozenset()


def guards(node, func, text) -> dict[str, int]:
    """The conditions of the `if` statements around `node` (inside `func`), by text, with
    the branch `node` is on. A later `if` with the same condition text is taken the same
    way (`if b == 10 { mu.Lock() } ... if b == 10 { mu.Unlock() }`), as long as the
    code between does not change what it tests, which the walk assumes."""
    found: dict[str, int] = {}
    child, current = node, node.parent
    while current is not None and current.id != func.id:
        if current.type == "if_statement":
            condition = current.child_by_field_name("condition")
            consequence, alternative = current.child_by_field_name("consequence"), current.child_by_field_name("alternative")
            if condition is not None and consequence is not None and consequence.id == child.id:
                found.setdefault(text(condition), TRUE)
            elif condition is not None and alternative is not None and alternative.id == child.id:
                found.setdefault(text(condition), FALSE)
        child, current = current, current.parent
    return found


def expects_failure(statement, err: str | None, text) -> bool:
    """In a test, `_, err := call()` followed by anything but `if err != nil {...}`
    (`if err == nil { t.Fatal(...) }`, a comparison of err's text): the call is expected
    to fail, so the discarded result is nil on the path the test means to take."""
    if err is None or err == "_":
        return True
    following = statement.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    if following is None or following.type != "if_statement":
        return True
    return TRUE not in set_on(following.child_by_field_name("condition"), err, text)
