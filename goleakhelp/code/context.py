"""What a detector sees: the parsed file, the Go version it targets, and a way to report.

Walking every node of a file in Python costs more than parsing it, and most files hold
nothing a given detector looks for. So besides the full walk (`nodes`, `calls`,
`of_type`, built once and shared), the context finds nodes from the text: `tokens`
searches the source for a word and keeps the places where the syntax tree has it as a
keyword or a name (not in a comment or a string), and `with_keyword`, `calls_named`,
`starting_with` and `functions_containing` build on it. A detector that starts from
those pays only for the places its words occur. Each answers exactly what filtering
`nodes` or `calls` would (tests compare them over the Go standard library).

The lists these return are shared between detectors: do not modify them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from operator import attrgetter

from goleakhelp.code.model import Finding, Limit
from goleakhelp.code.source import GoSource
from goleakhelp.code.syntax import FUNCTION_TYPES, own_nodes, walk


@dataclass
class CodeContext:
    source: GoSource
    go_version: tuple[int, int] | None  # from go.mod or --go; None when unknown
    findings: list[Finding] = field(default_factory=list)
    _nodes: list | None = None
    _calls: list | None = None
    _kinds: list | None = None  # the kind id of each node in _nodes
    _found: dict = field(default_factory=dict)  # memo of the text-anchored lookups
    _lines: list | None = None
    limits: list[Limit] = field(default_factory=list)  # what was left out, and why

    # -- the whole file, walked once -------------------------------------------------

    @property
    def nodes(self) -> list:
        """Every node of the file, in source order (walked once, shared by all detectors)."""
        if self._nodes is None:  # syntax.walk, inlined: this runs over every node of many files
            nodes: list = []
            add = nodes.append
            cursor = self.source.root.walk()
            while True:
                add(cursor.node)
                if not cursor.goto_first_child():
                    while not cursor.goto_next_sibling():
                        if not cursor.goto_parent():
                            self._nodes = nodes
                            return nodes
        return self._nodes

    def of_type(self, *types: str) -> list:
        """The nodes of `types`, in source order: `[n for n in ctx.nodes if n.type in types]`."""
        key = ("of_type", types)
        found = self._found.get(key)
        if found is None:
            nodes = self.nodes
            if self._kinds is None:
                self._kinds = list(map(_KIND_ID, nodes))
            wanted = {kind for kind in set(self._kinds) if _kind_name(kind) in types}
            found = self._found[key] = list(compress(nodes, map(wanted.__contains__, self._kinds)))
        return found

    @property
    def calls(self) -> list:
        """(call node, callee text) for every call in the file."""
        if self._calls is None:
            self._calls = [
                (node, self.text(callee)) for node in self.of_type("call_expression") if (callee := node.child_by_field_name("function")) is not None
            ]
        return self._calls

    # -- nodes found from the text ---------------------------------------------------

    def tokens(self, word: str) -> list:
        """Every keyword or name token spelled `word` (`defer`, `Close`, `ctx`), in source
        order; the same letters inside a longer name, a comment or a string are not tokens.
        `word` is a Go keyword or identifier."""
        key = ("tokens", word)
        found = self._found.get(key)
        if found is not None:
            return found
        if "\ufffd" in word:  # bytes that are not UTF-8 read as U+FFFD: compare decoded text
            found = [n for n in self.nodes if n.child_count == 0 and self.text(n) == word and (n.type == word or n.type.endswith("identifier"))]
        else:
            found = []
            for m in _word_pattern(word).finditer(self.source.text):
                start, end = m.span()
                node = self.source.descendant(start, end)
                if node is not None and node.start_byte == start and node.end_byte == end and node.child_count == 0:
                    kind = node.type
                    if kind == word or kind.endswith("identifier"):
                        found.append(node)
        self._found[key] = found
        return found

    def tokens_within(self, word: str, node) -> Iterator:
        """`ctx.tokens(word)` inside `node`, found by bisection: a file of thousands of
        functions asks this once per function, and filtering the whole list each time
        would be quadratic. An iterator, not a copy: a caller that stops at the first
        match pays only for what it reads."""
        low, high = self.token_range(word, node.start_byte, node.end_byte)
        tokens = self.tokens(word)
        return (tokens[i] for i in range(low, high))

    def token_range(self, word: str, start: int, end: int) -> tuple[int, int]:
        """The slice of `ctx.tokens(word)` that starts in the bytes [start, end)."""
        key = ("token-starts", word)
        starts = self._found.get(key)
        if starts is None:
            starts = self._found[key] = [t.start_byte for t in self.tokens(word)]
        return bisect_left(starts, start), bisect_left(starts, end)

    def with_keyword(self, keyword: str, *types: str) -> list:
        """The nodes of `types` that hold the `keyword` token as a child, in source order.
        For types that always do, this is `ctx.of_type(*types)`: defer_statement (`defer`),
        go_statement (`go`), select_statement, for_statement, range_clause, return_statement,
        channel_type (`chan`), function_declaration, method_declaration, func_literal (`func`)."""
        found = [parent for token in self.tokens(keyword) if (parent := token.parent) is not None and parent.type in types]
        found.sort(key=source_order)
        return found

    def calls_named(self, *names: str, within=None) -> list:
        """(call, callee text) for the calls `name(...)` and `x.name(...)`, in source order:
        the part of `ctx.calls` whose callee is one of `names` or a selector ending in one
        (only those inside the node `within`, when given)."""
        key = ("calls_named", names)
        found = self._found.get(key)
        if found is None:
            calls = []
            for name in names:
                for token in self.tokens(name):
                    call = call_of(token)
                    if call is not None:
                        calls.append(call)
            calls.sort(key=source_order)
            found = self._found[key] = [(call, self.text(call.child_by_field_name("function"))) for call in calls]
        if within is None:
            return found
        starts = self._found.get(("calls_named-starts", names))
        if starts is None:
            starts = self._found[("calls_named-starts", names)] = [call.start_byte for call, _ in found]
        start, end = within.start_byte, within.end_byte
        # Bisection: asked once per function, a filter of the whole list would be quadratic.
        return [(call, callee) for call, callee in found[bisect_left(starts, start) : bisect_left(starts, end)] if call.end_byte <= end]

    def starting_with(self, prefix: str, *types: str) -> list:
        """The nodes of `types` whose text starts with `prefix`, in source order."""
        key = ("starting_with", prefix, types)
        found = self._found.get(key)
        if found is not None:
            return found
        if "\ufffd" in prefix:  # bytes that are not UTF-8 read as U+FFFD: compare decoded text
            found = [n for n in self.of_type(*types) if self.text(n).startswith(prefix)]
        else:
            found = []
            text, needle = self.source.text, prefix.encode()
            start = text.find(needle)
            while start >= 0:
                node = self.source.descendant(start, start + 1)
                while node is not None and node.start_byte == start:
                    if node.type in types and node.end_byte - start >= len(needle):
                        found.append(node)
                    node = node.parent
                start = text.find(needle, start + 1)
            found.sort(key=source_order)
        self._found[key] = found
        return found

    def calls_from(self, prefix: str) -> list:
        """(call, callee text) for the calls whose callee text starts with `prefix`, in source order."""
        out = []
        for call in self.starting_with(prefix, "call_expression"):
            callee = call.child_by_field_name("function")
            if callee is not None and (text := self.text(callee)).startswith(prefix):
                out.append((call, text))
        return out

    def functions_containing(self, needle: bytes) -> list:
        """Functions and func literals whose text contains `needle`, in source order."""
        key = ("functions_containing", needle)
        found = self._found.get(key)
        if found is None:
            seen = {}
            text = self.source.text
            start = text.find(needle)
            while start >= 0:
                node = self.source.descendant(start, start + len(needle))
                while node is not None:
                    if node.type in FUNCTION_TYPES:
                        seen[(node.start_byte, node.end_byte)] = node
                    node = node.parent
                start = text.find(needle, start + 1)
            found = self._found[key] = sorted(seen.values(), key=source_order)
        return found

    # -- work shared between detectors ----------------------------------------------

    def shared(self, key: str, compute):
        """`compute()`, called once per file for `key` (work several detectors need)."""
        key = ("shared", key)
        if key not in self._found:
            self._found[key] = compute()
        return self._found[key]

    # -- one function's nodes, walked once ------------------------------------------

    def subtree(self, node) -> list:
        """`list(walk(node))`, walked once per node and file."""
        key = ("subtree", node.id)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = list(walk(node))
        return found

    def own_nodes(self, func) -> list:
        """`list(own_nodes(func))`: the function's body without nested func literals, walked once."""
        key = ("own_nodes", func.id)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = list(own_nodes(func))
        return found

    # -- the flow engine: one graph per function, built on first use --------------------

    def graph(self, func):
        """The control-flow graph of `func` (flow.cfg.Graph), or None when its body is
        nested too deeply to analyse (recorded in `limits`)."""
        from goleakhelp.code.flow.cfg import MAX_NESTING, NestedTooDeeply, build_graph

        key = ("graph", func.id)
        if key not in self._found:
            try:
                self._found[key] = build_graph(func, self.text)
            except NestedTooDeeply as exc:
                self._found[key] = None
                deep = exc.line + 1 - self.source.line_offset
                self.limit(func, f"function nested more than {MAX_NESTING} statements deep (line {deep}): its paths are not analysed")
        return self._found[key]

    def note_exhausted(self, graph) -> None:
        """Record, once per function, that its walks ran out of budget (flow.cfg.Graph.budget)."""
        key = ("exhausted", graph.func.id)
        if graph.exhausted and key not in self._found:
            self._found[key] = True
            self.limit(graph.func, "function with too many values to follow along its paths: the rest of it is not analysed")

    def limit(self, node, reason: str) -> None:
        """Record that the code at `node` was not analysed, and why (shown with the findings)."""
        line = max(1, self.source.user_line(node))
        self.limits.append(Limit(self.source.name, line, reason))

    # -- text and reports ------------------------------------------------------------

    def text(self, node) -> str:
        return self.source.node_text(node)

    def report(self, entry_id: str, node, message: str, confidence: str = "high", note: str = "") -> None:
        line = self.source.user_line(node)
        if line < 1:  # inside the wrapper added around a fragment
            line = 1
        row = node.start_point[0]
        if self._lines is None:
            self._lines = self.source.text.split(b"\n")
        raw = self._lines[row] if row >= 0 else b""
        if len(raw) > MAX_CODE_BYTES:  # a very long line: the part around the finding, marked as cut
            column = node.start_point[1]
            start = max(0, column - MAX_CODE_BYTES // 4)
            raw = (b"... " if start else b"") + raw[start : start + MAX_CODE_BYTES] + b" ..."
        code = raw.decode("utf-8", "replace").strip()
        self.findings.append(Finding(entry_id, self.source.name, line, node.start_point[1] + 1, message, confidence, note, code))

    def before(self, major: int, minor: int) -> bool | None:
        """True when the code targets a Go release older than major.minor, None when unknown."""
        if self.go_version is None:
            return None
        return self.go_version < (major, minor)

    def version_gate(self, major: int, minor: int) -> tuple[bool, str, str]:
        """(report?, confidence, note) for a finding that only applies before Go major.minor."""
        older = self.before(major, minor)
        if older is False:
            return False, "", ""
        if older is None:
            return True, "low", f"applies only when the module targets Go older than {major}.{minor}; the Go version is unknown (no go.mod found, use --go)"
        v = self.go_version
        return True, "high", f"the module targets Go {v[0]}.{v[1]}, older than {major}.{minor}"


MAX_CODE_BYTES = 200  # of the source line a finding quotes


def source_order(node) -> tuple[int, int]:
    """Sort key giving the walk's order (an enclosing node before the nodes inside it)."""
    return node.start_byte, -node.end_byte


def call_of(token):
    """The call whose callee is this name token (`f` in `f(x)`, `Close` in `r.Close()`), or None."""
    callee, parent = token, token.parent
    if parent is not None and parent.type == "selector_expression" and token.type == "field_identifier":
        callee, parent = parent, parent.parent
    elif token.type != "identifier":
        return None
    if parent is None or parent.type != "call_expression":
        return None
    function = parent.child_by_field_name("function")
    if function is not None and function.start_byte == callee.start_byte and function.end_byte == callee.end_byte:
        return parent
    return None


@cache
def _word_pattern(word: str) -> re.Pattern:
    # No look-behind: a name glued to what precedes it is rejected by the exact-span check.
    return re.compile(re.escape(word.encode()) + rb"(?![A-Za-z0-9_])")


_KIND_ID = attrgetter("kind_id")


@cache
def _kind_name(kind: int) -> str:
    from goleakhelp.code.source import language

    return language().node_kind_for_id(kind)
