"""Parse Go source with tree-sitter: whole files, and fragments pasted without a package
clause or outside any function. Line numbers are reported as the user pasted them."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass
class GoSource:
    name: str
    text: bytes
    tree: object  # tree_sitter.Tree
    line_offset: int  # lines added in front of a fragment to make it parse
    error_lines: tuple[int, ...]  # user line numbers tree-sitter could not parse
    _top: tuple | None = field(default=None, repr=False)  # top-level nodes and their start bytes

    @property
    def root(self):
        return self.tree.root_node

    def descendant(self, start: int, end: int):
        """The smallest node spanning the bytes [start, end): `root.descendant_for_byte_range`,
        but the top-level node is found by bisection. tree-sitter looks through a node's
        children one by one, and a badly broken file can leave hundreds of thousands of
        them at the top, which made every lookup a pass over all of them."""
        if self._top is None:
            children = self.root.children
            self._top = (children, [c.start_byte for c in children])
        children, starts = self._top
        i = bisect_right(starts, start) - 1
        if i >= 0 and children[i].end_byte >= end:
            return children[i].descendant_for_byte_range(start, end)
        return self.root.descendant_for_byte_range(start, end) if i < 0 else self.root

    def node_text(self, node) -> str:
        return self.text[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def user_line(self, node) -> int:
        return node.start_point[0] + 1 - self.line_offset


# What may stand at the top level of a Go file; anything else is a pasted statement.
TOP_LEVEL = {
    "package_clause",
    "import_declaration",
    "function_declaration",
    "method_declaration",
    "type_declaration",
    "var_declaration",
    "const_declaration",
    "comment",
    "ERROR",
}


@lru_cache(maxsize=1)
def language():
    import tree_sitter_go
    from tree_sitter import Language

    return Language(tree_sitter_go.language())


@lru_cache(maxsize=1)
def _parser():
    from tree_sitter import Parser

    return Parser(language())


def _errors(tree, offset: int) -> tuple[int, ...]:
    lines: set[int] = set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.type == "ERROR" or node.is_missing:
            lines.update(range(node.start_point[0] + 1 - offset, node.end_point[0] + 2 - offset))
            continue
        stack.extend(node.children)
    return tuple(sorted(line for line in lines if line >= 1))


# Larger texts are files, not pasted fragments: they are parsed as they are. Each try at
# wrapping a fragment is one more parse, and tree-sitter's error recovery on a megabyte
# that is not Go at all (a dump, a log) takes seconds per parse.
MAX_FRAGMENT_BYTES = 100_000
_IN_PACKAGE = ("package fragment\n", "")
_IN_FUNCTION = ("package fragment\nfunc _() {\n", "\n}\n")


def parse_go(text: str, name: str) -> GoSource:
    """Parse `text`; a fragment is wrapped in a package clause and, if needed, a function."""
    parser = _parser()
    raw = text.encode("utf-8", "surrogateescape")
    tree = parser.parse(raw)
    children = tree.root_node.named_children
    loose = any(child.type not in TOP_LEVEL for child in children)
    if not tree.root_node.has_error and not loose:
        return GoSource(name, raw, tree, 0, ())
    best = GoSource(name, raw, tree, 0, _errors(tree, 0))
    if len(raw) > MAX_FRAGMENT_BYTES or next((c.type for c in children if c.type != "comment"), None) == "package_clause":
        return best  # a whole file with errors: wrapping it in another package cannot help
    parsed: dict[tuple[str, str], GoSource] = {}

    def wrapped(prefix: str, suffix: str) -> GoSource:
        if (prefix, suffix) not in parsed:
            data = (prefix + text + suffix).encode("utf-8", "surrogateescape")
            candidate_tree = parser.parse(data)
            offset = prefix.count("\n")
            parsed[prefix, suffix] = GoSource(name, data, candidate_tree, offset, _errors(candidate_tree, offset))
        return parsed[prefix, suffix]

    if loose:
        # Statements pasted on their own: analyse them as the body of a function.
        body = wrapped(*_IN_FUNCTION)
        if not body.tree.root_node.has_error or not any(c.type in TOP_LEVEL and c.type != "package_clause" for c in children):
            return body
    for candidate in (wrapped(*_IN_PACKAGE), wrapped(*_IN_FUNCTION)):
        if len(candidate.error_lines) < len(best.error_lines) or not candidate.tree.root_node.has_error:
            best = candidate
        if not candidate.tree.root_node.has_error:
            break
    return best


def reparse(source: GoSource, text: bytes) -> GoSource:
    """`source` with its bytes replaced by `text` of the same length and lines (a part blanked out)."""
    tree = _parser().parse(text)
    return GoSource(source.name, text, tree, source.line_offset, _errors(tree, source.line_offset))
