"""Memory kept alive by references the program no longer needs: small views of whole-file
reads stored long-term, popped slice slots that still point at their elements, caches that
only grow, callbacks that capture a whole object for one field, maps emptied in place,
pooled buffers put back at any size.

Sizes and lifetimes are run-time facts, so none of this can be proved from the syntax
tree. Each detector looks for the shape that makes the retention likely (a view of a
whole os.ReadFile result stored in a global, a pop from a struct's []*T, a memoising
global map with no eviction anywhere in the file...) and reports it with a medium or low
confidence. The safe idioms (a copy, a zeroed slot, a delete or size check, a cap check
before Put) silence it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from goleakhelp.code.context import CodeContext, source_order
from goleakhelp.code.detectors.registry import detector
from goleakhelp.code.syntax import enclosing, walk

# ---------------------------------------------------------------------------------------
# Statements found from the text. Walking a whole file in Python costs more than parsing
# it; these find the same nodes as filtering `ctx.nodes` by type (in the same order) from
# the places where their operator occurs. A tree with syntax errors may hold statements
# without their operator: there the full walk is used.

_ASSIGN_SIGN = re.compile(rb"(?<![=!:])=(?!=)")  # the `=` ending `=`, `+=`, `<<=`... (not `==`, `!=`, `:=`)


def _assignment_statements(ctx: CodeContext, within=None) -> list:
    """Every assignment_statement (any operator) of the file, or of the node `within`, in
    source order."""
    if ctx.source.root.has_error:
        found = ctx.of_type("assignment_statement")
        return found if within is None else _within(found, within)
    start, end = (0, len(ctx.source.text)) if within is None else (within.start_byte, within.end_byte)
    return ctx.shared(f"memory.assignments {start} {end}", lambda: _scan_assignments(ctx, start, end))


def _scan_assignments(ctx: CodeContext, start: int, end: int) -> list:
    found = []
    for m in _ASSIGN_SIGN.finditer(ctx.source.text, start, end):
        sign = m.end()
        token = ctx.source.descendant(sign - 1, sign)
        if token is None or token.end_byte != sign:
            continue
        statement = token.parent
        if statement is not None and statement.type == "assignment_statement" and start <= statement.start_byte and statement.end_byte <= end:
            operator = statement.child_by_field_name("operator")
            if operator is not None and operator.start_byte == token.start_byte and operator.end_byte == sign:
                found.append(statement)
    found.sort(key=source_order)
    return found


def _plain_assignments(ctx: CodeContext) -> list:
    """The assignment statements of the file with the operator `=`, in source order."""
    return ctx.shared(
        "memory.plain_assignments",
        lambda: [n for n in _assignment_statements(ctx) if ctx.text(n.child_by_field_name("operator")) == "="],
    )


def _short_var_declarations(ctx: CodeContext, within) -> list:
    """The short_var_declarations (`a, b := ...`) inside the node `within`, in source order."""
    if ctx.source.root.has_error:
        return _within(ctx.of_type("short_var_declaration"), within)
    start, end = within.start_byte, within.end_byte

    def find() -> list:
        found = []
        text = ctx.source.text
        at = text.find(b":=", start, end)
        while at >= 0:
            token = ctx.source.descendant(at, at + 2)
            if token is not None and token.start_byte == at and token.end_byte == at + 2:
                statement = token.parent
                if statement is not None and statement.type == "short_var_declaration" and start <= statement.start_byte and statement.end_byte <= end:
                    found.append(statement)
            at = text.find(b":=", at + 2, end)
        found.sort(key=source_order)
        return found

    return ctx.shared(f"memory.short_vars {start} {end}", find)


def _within(nodes: list, outer) -> list:
    """The nodes of a source-ordered list that lie inside `outer`."""
    start, end = outer.start_byte, outer.end_byte
    i = bisect_left(nodes, start, key=lambda n: n.start_byte)
    out = []
    for node in nodes[i:]:
        if node.start_byte >= end:
            break
        if node.end_byte <= end:
            out.append(node)
    return out


# ---------------------------------------------------------------------------------------
# What the file declares at the top level, and what a function declares.

REFERENCE_TYPES = ("pointer_type", "slice_type", "map_type", "channel_type", "function_type", "interface_type")


@dataclass
class FileInfo:
    globals: dict = field(default_factory=dict)  # package-level var name -> var_spec
    types: dict = field(default_factory=dict)  # type name -> type node (the part after the name)
    structs: dict = field(default_factory=dict)  # struct name -> {field name: type node}
    type_params: set = field(default_factory=set)  # names of type parameters anywhere in the file
    results: dict = field(default_factory=dict)  # function name -> its only result type


@dataclass
class _Cache:
    """What the memory detectors share for one file: they run one after another on the
    same context, so the last file's answers are kept (keyed by its parsed source)."""

    source: object
    scopes: dict = field(default_factory=dict)  # function node id -> Scope
    maps: dict | None = None  # long-lived maps with their uses filled in
    _info: FileInfo | None = None

    def info(self, ctx: CodeContext) -> FileInfo:
        """The file's declarations, read when first needed."""
        if self._info is None:
            self._info = _read_file_info(ctx)
        return self._info


_LAST: list[_Cache] = []


def _cache(ctx: CodeContext) -> _Cache:
    if not _LAST or _LAST[0].source is not ctx.source:
        _LAST[:] = [_Cache(ctx.source)]
    return _LAST[0]


def _file_info(ctx: CodeContext) -> FileInfo:
    return _cache(ctx).info(ctx)


def _scope(func, ctx: CodeContext) -> Scope:
    cache = _cache(ctx)
    if func.id not in cache.scopes:
        cache.scopes[func.id] = Scope(func, ctx)
    return cache.scopes[func.id]


def _top_function(node):
    """The top-level function or method declaration holding `node`."""
    current = node
    while current.parent is not None and current.parent.parent is not None:
        current = current.parent
    return current if current.type in ("function_declaration", "method_declaration") else None


def _read_file_info(ctx: CodeContext) -> FileInfo:
    info = FileInfo()
    # In a tree without syntax errors a type parameter list is the `type_parameters` of a
    # function or of a type spec, and a var spec is one of a var declaration's specs.
    exact = not ctx.source.root.has_error
    var_declarations = None
    for top in ctx.source.root.named_children:
        if top.type == "var_declaration":
            # Specs nested in a func literal of the initializer need their own `var`.
            if exact and var_declarations is None:
                var_declarations = ctx.with_keyword("var", "var_declaration")
            nested = not exact or any(top.start_byte < d.start_byte < top.end_byte for d in var_declarations)
            for spec in walk(top) if nested else _specs(top):
                if spec.type == "var_spec":
                    for name in spec.children_by_field_name("name"):
                        info.globals[ctx.text(name)] = spec
        elif top.type == "type_declaration":
            for spec in top.named_children:
                name, kind = spec.child_by_field_name("name"), spec.child_by_field_name("type")
                if spec.type not in ("type_spec", "type_alias") or name is None or kind is None:
                    continue
                info.types[ctx.text(name)] = kind
                if kind.type == "struct_type":
                    info.structs[ctx.text(name)] = _struct_fields(kind, ctx)
        if top.type in ("function_declaration", "method_declaration"):
            result = top.child_by_field_name("result")
            if result is not None and result.type == "parameter_list" and len(result.named_children) == 1 and not result.named_children[0].children_by_field_name("name"):
                result = result.named_children[0].child_by_field_name("type")
            if result is not None and result.type != "parameter_list":
                # Functions by name, methods by ".name" (dropped when two types disagree).
                key = ("." if top.type == "method_declaration" else "") + ctx.text(top.child_by_field_name("name"))
                if key in info.results and (info.results[key] is None or ctx.text(info.results[key]) != ctx.text(result)):
                    info.results[key] = None
                else:
                    info.results[key] = result
        if not exact and top.type in ("type_declaration", "function_declaration", "method_declaration"):
            for node in walk(top):
                if node.type == "type_parameter_declaration":
                    info.type_params.update(ctx.text(n) for n in node.children_by_field_name("name"))
        elif top.type in ("function_declaration", "method_declaration"):
            _add_type_params(top, info, ctx)
    if exact:
        # Type declarations anywhere inside a top-level type, function or method declaration.
        for declaration in ctx.with_keyword("type", "type_declaration"):
            if _top_level(declaration).type in ("type_declaration", "function_declaration", "method_declaration"):
                for spec in declaration.named_children:
                    _add_type_params(spec, info, ctx)
    return info


def _specs(declaration) -> list:
    """The specs of `var x T` and of `var ( ... )` (of `const` the same way)."""
    specs = []
    for child in declaration.named_children:
        specs.extend(child.named_children if child.type in ("var_spec_list", "const_spec_list") else [child])
    return specs


def _add_type_params(node, info: FileInfo, ctx: CodeContext) -> None:
    params = node.child_by_field_name("type_parameters")
    for decl in params.named_children if params is not None else ():
        if decl.type == "type_parameter_declaration":
            info.type_params.update(ctx.text(n) for n in decl.children_by_field_name("name"))


def _top_level(node):
    """The child of the file's root holding `node`."""
    while node.parent is not None and node.parent.parent is not None:
        node = node.parent
    return node


def _struct_fields(struct, ctx: CodeContext) -> dict:
    fields = {}
    # The field declarations whose parent is a child of the struct (its field list).
    for decl in (d for child in struct.children for d in child.children):
        if decl.type == "field_declaration":
            kind = decl.child_by_field_name("type")
            names = decl.children_by_field_name("name")
            for name in names:
                fields[ctx.text(name)] = kind
            if not names and kind is not None:  # embedded field: named after its type
                fields[_type_name(kind, ctx)] = kind
    return fields


def _type_name(kind, ctx: CodeContext) -> str:
    """`*pkg.Stack[T]` -> "Stack"."""
    while kind is not None and kind.type in ("pointer_type", "generic_type", "qualified_type", "parenthesized_type"):
        inner = kind.child_by_field_name("type") or kind.child_by_field_name("name")
        kind = inner if inner is not None else (kind.named_children[0] if kind.named_children else None)
    return ctx.text(kind) if kind is not None else ""


def _strip(node):
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _norm(node, ctx: CodeContext) -> str:
    """Expression text without parentheses or spaces: `(*h)` -> `*h`."""
    return "".join(ctx.text(node).split()).replace("(", "").replace(")", "")


def _root(node):
    """The identifier an lvalue hangs from: `s.items[i]` -> `s`, `*h` -> `h`."""
    node = _strip(node)
    while node is not None and node.type in ("selector_expression", "index_expression", "unary_expression", "slice_expression"):
        node = _strip(node.child_by_field_name("operand"))
    return node if node is not None and node.type == "identifier" else None


def _params(func, ctx: CodeContext, receiver_only: bool = False) -> dict:
    """name -> type node for the receiver (and, unless receiver_only, the parameters)."""
    fields = ("receiver",) if receiver_only else ("receiver", "parameters")
    found = {}
    for part in fields:
        lst = func.child_by_field_name(part)
        for decl in lst.named_children if lst is not None else ():
            for name in decl.children_by_field_name("name"):
                found[ctx.text(name)] = decl.child_by_field_name("type")
    return found


def _declared_locals(func, ctx: CodeContext) -> dict:
    """name -> declaring node for every variable a function declares: its parameters and
    named results, and everything declared in its body (nested literals included). The
    receiver is not included."""
    found = {}
    for part in ("parameters", "result"):
        lst = func.child_by_field_name(part)
        for decl in lst.named_children if lst is not None and lst.type == "parameter_list" else ():
            for name in decl.children_by_field_name("name"):
                found[ctx.text(name)] = decl
    body = func.child_by_field_name("body")
    for node in walk(body) if body is not None else ():
        if node.type in ("short_var_declaration", "range_clause", "receive_statement"):
            left = node.child_by_field_name("left")
            if node.type != "short_var_declaration" and not any(c.type == ":=" for c in node.children):
                continue  # for k, v = range m / case v = <-ch: assigns existing variables
            for name in left.named_children if left is not None else ():
                found.setdefault(ctx.text(name), node)
        elif node.type in ("var_spec", "const_spec", "parameter_declaration", "variadic_parameter_declaration"):
            for name in node.children_by_field_name("name"):
                found.setdefault(ctx.text(name), node)
        elif node.type == "type_switch_statement":
            alias = node.child_by_field_name("alias")
            for name in alias.named_children if alias is not None else ():
                found.setdefault(ctx.text(name), node)
    return found


_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern:
    return re.compile(rb"(?<![A-Za-z0-9_])" + name.encode() + rb"(?![A-Za-z0-9_])")


def _word_nodes(ctx: CodeContext, name: str, start: int = 0, end: int | None = None) -> list:
    """For each place the ASCII identifier `name` stands as a whole word between `start` and
    `end`, the smallest node spanning it, when that node spans exactly the word (a name
    token, not part of a comment or a string), in source order."""
    text = ctx.source.text
    if end is None:
        end = len(text)
    word = name.encode()
    size = len(word)
    if size <= 2:  # short names occur inside many words: let a regex skip those
        places = [m.start() for m in _name_pattern(name).finditer(text, start, end)]
    else:  # a compiled pattern per name would cost more than it saves
        places = []
        at = text.find(word, start, end)
        while at >= 0:
            if (at == 0 or text[at - 1] not in _WORD_BYTES) and (at + size >= len(text) or text[at + size] not in _WORD_BYTES):
                places.append(at)
            at = text.find(word, at + size, end)
    nodes = []
    for at in places:
        node = ctx.source.descendant(at, at + size)
        if node is not None and node.start_byte == at and node.end_byte == at + size:
            nodes.append(node)
    return nodes


def _declares(func, name: str, ctx: CodeContext) -> bool:
    """`name in _declared_locals(func, ctx)`, from the occurrences of `name` in `func`
    (in a tree without syntax errors): is one of them a name the function declares?"""
    body = func.child_by_field_name("body")
    lists = [lst for part in ("parameters", "result") if (lst := func.child_by_field_name(part)) is not None and lst.type == "parameter_list"]
    for node in _word_nodes(ctx, name, func.start_byte, func.end_byte):
        start, end = node.start_byte, node.end_byte
        while node is not None and node.start_byte == start and node.end_byte == end:
            if node.is_named and _declaration_site(node, body, lists):
                return True
            node = node.parent
    return False


def _declaration_site(node, body, lists: list) -> bool:
    """`node` is a name _declared_locals collects: a parameter or result of the function
    (`lists`), or a name declared anywhere in its body."""
    parent = node.parent
    if parent is None:
        return False
    inside = body is not None and body.start_byte <= node.start_byte and node.end_byte <= body.end_byte
    kind = parent.type
    if kind in ("parameter_declaration", "variadic_parameter_declaration", "var_spec", "const_spec"):
        if not any(n == node for n in parent.children_by_field_name("name")):
            return False
        return inside or (kind in ("parameter_declaration", "variadic_parameter_declaration") and any(parent.parent == lst for lst in lists))
    if kind == "expression_list" and inside and (owner := parent.parent) is not None:
        if owner.type == "short_var_declaration" or (owner.type in ("range_clause", "receive_statement") and any(c.type == ":=" for c in owner.children)):
            return owner.child_by_field_name("left") == parent
        if owner.type == "type_switch_statement":
            return owner.child_by_field_name("alias") == parent
    return False


class Scope:
    """Names as seen from inside one top-level function."""

    def __init__(self, func, ctx: CodeContext):
        # No reference to the _Cache holding the scope: a cycle would keep the file's tree
        # alive until the garbage collector runs.
        self.func, self.ctx = func, ctx
        self.receivers = _params(func, ctx, receiver_only=True) if func.type == "method_declaration" else {}
        self.params = {k: v for k, v in _params(func, ctx).items() if k not in self.receivers}
        self._declared: dict[str, bool] = {}  # answers of declares() before the locals were walked

    @cached_property
    def info(self) -> FileInfo:
        return _file_info(self.ctx)

    @cached_property
    def locals(self) -> dict:
        """Every name the function declares (walked when first asked for)."""
        return _declared_locals(self.func, self.ctx)

    def declares(self, name: str) -> bool:
        """`name in self.locals`. Until the locals are needed for more, answered from the
        places the name occurs in the function rather than from a walk of all of it."""
        if "locals" in self.__dict__ or self.ctx.source.root.has_error or not _ASCII_NAME.fullmatch(name):
            return name in self.locals
        if name not in self._declared:
            self._declared[name] = _declares(self.func, name, self.ctx)
        return self._declared[name]

    def is_global(self, name: str) -> bool:
        """A package-level variable declared in this file (and not shadowed)."""
        return name in self.info.globals and not self.declares(name) and name not in self.receivers

    def package_level(self, name: str) -> bool:
        """Assignable and declared nowhere in the function: a package-level variable of this
        file or of another file of the package (or of the code around a pasted fragment)."""
        return not self.declares(name) and name not in self.receivers and name != "_"

    def lifetime(self, lvalue) -> str | None:
        """"global" or "field" when storing into `lvalue` outlives this call, else None."""
        node = _strip(lvalue)
        if node is None:
            return None
        if node.type == "identifier":
            return "global" if self.package_level(self.ctx.text(node)) else None
        if node.type not in ("selector_expression", "index_expression", "unary_expression"):
            return None
        root = _root(node)
        if root is None:
            return None
        name = self.ctx.text(root)
        if name in self.receivers:
            return "field"
        if name in self.params:
            # p.f, p.m[k], *p: memory of the caller's object; p[k] may be a scratch map.
            direct = node.type == "index_expression" and _strip(node.child_by_field_name("operand")).type == "identifier"
            return None if direct else "field"
        if self.package_level(name) and node.type != "unary_expression":
            return "global"
        return None


def _top_functions(ctx: CodeContext, *needles: bytes):
    """Top-level functions and methods containing one of `needles`. Test files are left out:
    memory a test keeps until it ends is not a leak anyone needs to hear about."""
    if ctx.source.name.endswith("_test.go"):
        return
    for top in ctx.source.root.named_children:
        if top.type in ("function_declaration", "method_declaration"):
            text = ctx.source.text[top.start_byte : top.end_byte]
            if not needles or any(n in text for n in needles):
                yield top


def _assignments(func, ctx: CodeContext):
    """(statement, [(left, right)]) for each plain `=` with as many values as targets."""
    for node in walk(func):
        if node.type == "assignment_statement" and ctx.text(node.child_by_field_name("operator")) == "=":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None and len(left.named_children) == len(right.named_children):
                yield node, list(zip(left.named_children, right.named_children))


def _callee(call, ctx: CodeContext) -> str:
    function = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    return ctx.text(function) if function is not None else ""


def _args(call) -> list:
    args = call.child_by_field_name("arguments") if call is not None else None
    return list(args.named_children) if args is not None else []


def _stored_values(value, ctx: CodeContext):
    """The expressions a store of `value` keeps: `append(t, a, b)` keeps a and b (not a
    spread `x...`, which copies elements), `&T{F: a}` keeps a, anything else keeps itself."""
    value = _strip(value)
    if value is None:
        return
    if value.type == "call_expression" and _callee(value, ctx) == "append":
        args = _args(value)
        for arg in args[1:]:
            if arg.type != "variadic_argument":
                yield from _stored_values(arg, ctx)
        return
    if value.type == "unary_expression" and ctx.text(value).startswith("&"):
        value = _strip(value.child_by_field_name("operand"))
    if value is not None and value.type == "composite_literal":
        body = value.child_by_field_name("body")
        for element in body.named_children if body is not None else ():
            inner = element.child_by_field_name("value") if element.type == "keyed_element" else element
            if inner is not None and inner.type == "literal_element" and inner.named_children:
                inner = inner.named_children[0]
            if inner is not None:
                yield inner
        return
    yield value


# ---------------------------------------------------------------------------------------
# subslice-retention, substring-retention: a view of a whole-input read kept long-term.

WHOLE_READS = {"io.ReadAll", "ioutil.ReadAll", "os.ReadFile", "ioutil.ReadFile"}
VIEW_FUNCS = {f"{p}.{f}" for p in ("strings", "bytes") for f in "TrimSpace Trim TrimLeft TrimRight TrimPrefix TrimSuffix TrimFunc TrimLeftFunc TrimRightFunc".split()}
LIST_FUNCS = {f"{p}.{f}" for p in ("strings", "bytes") for f in "Split SplitN SplitAfter SplitAfterN Fields FieldsFunc".split()}
CUT_FUNCS = {f"{p}.{f}": n for p in ("strings", "bytes") for f, n in (("Cut", 2), ("CutPrefix", 1), ("CutSuffix", 1))}
REGEXP_VIEW = {"Find", "FindString"}
REGEXP_LIST = {"FindSubmatch", "FindStringSubmatch", "FindAll", "FindAllString"}


READS_INTO = {"Read", "ReadFull", "ReadAtLeast", "ReadAt"}
BIG_BUFFER = 16 << 10  # a make([]byte, n) at least this big, read into, counts as a big input


@dataclass(frozen=True)
class View:
    kind: str  # "bytes" or "string"
    root: str  # the expression holding the whole input: `data`, `string(data)`
    origin: str  # where that input came from, for the message


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n >> 10} KiB" if n % 1024 == 0 else f"{n}-byte"


def _constant(node, ctx: CodeContext, consts: dict, depth: int = 0) -> int | None:
    """The value of a small integer constant expression: `64 << 10`, `bufSize`, `4 * 1024`."""
    node = _strip(node)
    if node is None or depth > 5:
        return None
    if node.type == "int_literal":
        try:
            return int(ctx.text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if node.type == "identifier" and ctx.text(node) in consts:
        return _constant(consts[ctx.text(node)], ctx, consts, depth + 1)
    if node.type == "binary_expression":
        a = _constant(node.child_by_field_name("left"), ctx, consts, depth + 1)
        b = _constant(node.child_by_field_name("right"), ctx, consts, depth + 1)
        op = ctx.text(node.child_by_field_name("operator"))
        if a is None or b is None:
            return None
        if op == "<<" and b < 64:
            return a << b
        return {"*": a * b, "+": a + b, "-": a - b}.get(op)
    return None


def _constants(ctx: CodeContext) -> dict:
    return ctx.shared("memory.constants", lambda: _find_constants(ctx))


def _find_constants(ctx: CodeContext) -> dict:
    consts = {}
    if ctx.source.root.has_error:
        specs = ctx.of_type("const_spec")
    else:  # every const spec is one of a const declaration's specs
        specs = sorted((s for d in ctx.with_keyword("const", "const_declaration") for s in _specs(d)), key=source_order)
    for node in specs:
        if node.type == "const_spec":
            names, value = node.children_by_field_name("name"), node.child_by_field_name("value")
            if value is not None and len(names) == len(value.named_children):
                consts.update((ctx.text(n), v) for n, v in zip(names, value.named_children))
    return consts


class Views:
    """Whole inputs of one function (whole-file and whole-body reads, big read buffers, the
    strings made of them) and the views cut out of them."""

    def __init__(self, ctx: CodeContext, func, consts: dict):
        self.ctx = ctx
        self.consts = consts
        self.whole: dict[str, View] = {}  # name -> the whole input
        self.views: dict[str, View] = {}  # name -> the input it is a view of
        self.lists: dict[str, View] = {}  # [][]byte / []string whose items are views
        # Buffers the function reads into: `n, err := r.Read(buf)`, `io.ReadFull(r, buf)`.
        self.read_into = _read_into(ctx, func)

    def _string_of_whole(self, node) -> View | None:
        """`string(data)` where data is a whole []byte input."""
        node = _strip(node)
        if node is None or node.type != "call_expression" or _callee(node, self.ctx) != "string":
            return None
        args = _args(node)
        whole = self.whole.get(self.ctx.text(args[0])) if len(args) == 1 else None
        if whole is None or whole.kind != "bytes":
            return None
        return View("string", f"string({whole.root})", whole.origin)

    def source(self, node) -> View | None:
        """The whole input or view `node` names, if any."""
        node = _strip(node)
        if node is None:
            return None
        if node.type == "identifier":
            name = self.ctx.text(node)
            return self.whole.get(name) or self.views.get(name)
        return self._string_of_whole(node) or self.view(node)

    def view(self, node) -> View | None:
        """A small view into a whole input: `data[:8]`, `doc[i:j]`, `parts[0]`, `strings.TrimSpace(line)`."""
        ctx = self.ctx
        node = _strip(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.views.get(ctx.text(node))
        if node.type == "slice_expression":
            operand = _strip(node.child_by_field_name("operand"))
            if operand is None:
                return None
            whole = self.whole.get(ctx.text(operand)) if operand.type == "identifier" else self._string_of_whole(operand)
            if whole is not None:
                end = node.child_by_field_name("end")
                # data[i:] and data[:len(data)-1] keep most of the input: not a small view.
                if end is None or "len(" in ctx.text(end) or "cap(" in ctx.text(end):
                    return None
                return whole
            return self.view(operand) if operand.type in ("identifier", "index_expression", "slice_expression") else None
        if node.type == "index_expression":
            return self.list(node.child_by_field_name("operand"))
        if node.type == "call_expression":
            callee = _callee(node, ctx)
            args = _args(node)
            if callee in VIEW_FUNCS and args:
                return self.view(args[0])  # trimming a whole input keeps most of it
            if callee.rsplit(".", 1)[-1] in REGEXP_VIEW and "." in callee and len(args) == 1:
                return self.source(args[0])
        return None

    def list(self, node) -> View | None:
        ctx = self.ctx
        node = _strip(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.lists.get(ctx.text(node))
        if node.type == "call_expression":
            callee = _callee(node, ctx)
            args = _args(node)
            if callee in LIST_FUNCS and args:
                return self.source(args[0])
            if callee.rsplit(".", 1)[-1] in REGEXP_LIST and "." in callee and args:
                return self.source(args[0])
        return None

    def _limited(self, args) -> bool:
        """io.ReadAll(io.LimitReader(r, 512)): a small read, not a big input."""
        reader = _strip(args[0]) if args else None
        if reader is None or _callee(reader, self.ctx) not in ("io.LimitReader", "http.MaxBytesReader"):
            return False
        limit = _constant(_args(reader)[-1], self.ctx, self.consts) if _args(reader) else None
        return limit is not None and limit < BIG_BUFFER

    def _big_buffer(self, name: str, value) -> View | None:
        """`buf := make([]byte, 64<<10)` that the function reads into."""
        if value is None or value.type != "call_expression" or _callee(value, self.ctx) != "make" or name not in self.read_into:
            return None
        args = _args(value)
        if len(args) < 2 or "".join(self.ctx.text(args[0]).split()) != "[]byte":
            return None
        size = _constant(args[-1], self.ctx, self.consts)
        if size is None or size < BIG_BUFFER:
            return None
        return View("bytes", name, f"a {_size(size)} read buffer")

    def assign(self, names: list[str], values: list) -> None:
        ctx = self.ctx
        if len(values) == 1 and len(names) > 1:
            call = _strip(values[0])
            callee = _callee(call, ctx)
            args = _args(call)
            if callee in WHOLE_READS and not self._limited(args):
                self._set(names[0], whole=View("bytes", names[0], f"the whole {callee} result"))
                return
            if callee in CUT_FUNCS and args and (src := self.source(args[0])) is not None:
                for name in names[: CUT_FUNCS[callee]]:
                    self._set(name, view=src)
                return
            for name in names:
                self._set(name)
            return
        for name, value in zip(names, values):
            value = _strip(value)
            if (text := self._string_of_whole(value)) is not None:
                self._set(name, whole=View("string", name, f"{text.root} of {text.origin}"))
            elif (buffer := self._big_buffer(name, value)) is not None:
                self._set(name, whole=buffer)
            elif name in self.whole and value is not None and value.type == "slice_expression" and ctx.text(_strip(value.child_by_field_name("operand"))) == name:
                continue  # data = data[n:] is still the whole input
            elif (v := self.view(value)) is not None:
                self._set(name, view=v)
            elif (lst := self.list(value)) is not None:
                self._set(name, lst=lst)
            else:
                self._set(name)

    def _set(self, name: str, whole: View | None = None, view: View | None = None, lst: View | None = None) -> None:
        for table, value in ((self.whole, whole), (self.views, view), (self.lists, lst)):
            if value is None:
                table.pop(name, None)
            else:
                table[name] = value


RETENTION_IDS = {"bytes": "subslice-retention", "string": "substring-retention"}


def _retention(ctx: CodeContext, kind: str) -> None:
    entry_id = RETENTION_IDS[kind]
    for func in _top_functions(ctx, b"ReadAll", b"ReadFile", b"make([]byte"):
        if b"ReadAll" not in (text := ctx.source.text[func.start_byte : func.end_byte]) and b"ReadFile" not in text and b"Read" not in text.replace(b"make([]byte", b""):
            continue  # make([]byte, n) alone: a buffer nothing reads into
        if b"ReadAll" not in text and b"ReadFile" not in text and not _read_into(ctx, func):
            continue  # no whole read, and no buffer read into: no whole input to keep a view of
        scope = _scope(func, ctx)
        views = Views(ctx, func, _constants(ctx))
        split_loops = []  # (for statement, input) for loops over the pieces of one input
        for node in ctx.subtree(func):
            if node.type in ("short_var_declaration", "assignment_statement", "var_spec"):
                if node.type == "var_spec":
                    names = [ctx.text(n) for n in node.children_by_field_name("name")]
                    value = node.child_by_field_name("value")
                else:
                    if node.type == "assignment_statement" and ctx.text(node.child_by_field_name("operator")) != "=":
                        continue
                    left = node.child_by_field_name("left")
                    value = node.child_by_field_name("right")
                    names = [ctx.text(n) if n.type == "identifier" else "" for n in left.named_children] if left is not None else []
                if node.type == "assignment_statement":
                    for target, right in zip(left.named_children, value.named_children):
                        if scope.lifetime(target) is None:
                            continue
                        for kept in _stored_values(right, ctx):
                            _report_view(ctx, entry_id, kind, views, split_loops, kept, f"is kept in `{ctx.text(target)}`")
                        target = _strip(target)
                        if target.type == "index_expression":  # a map keeps its keys too
                            operand = ctx.text(target.child_by_field_name("operand"))
                            _report_view(ctx, entry_id, kind, views, split_loops, target.child_by_field_name("index"), f"is kept as a key of `{operand}`")
                if value is not None:
                    views.assign(names, list(value.named_children))
            elif node.type == "range_clause":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                items = views.list(right)
                if items is not None:
                    split_loops.append((node.parent, items.root))
                    if left is not None and len(left.named_children) == 2:
                        views._set(ctx.text(left.named_children[1]), view=items)
            elif node.type == "call_expression":
                receiver, _, method = _callee(node, ctx).rpartition(".")
                args = _args(node)
                if method in ("Store", "LoadOrStore", "Swap") and scope.is_global(receiver) and len(args) == 2:
                    for arg in args:
                        _report_view(ctx, entry_id, kind, views, split_loops, arg, f"is stored in `{receiver}`")


def _read_into(ctx: CodeContext, func) -> set[str]:
    """Buffers the function reads into: `n, err := r.Read(buf)`, `io.ReadFull(r, buf)`."""
    return ctx.shared(
        f"memory.read_into {func.id}",
        lambda: {
            ctx.text(_strip(arg))
            for node, callee in ctx.calls_named(*sorted(READS_INTO), within=func)
            if callee.rpartition(".")[2] in READS_INTO
            for arg in _args(node)
        },
    )


def _report_view(ctx, entry_id, kind, views: Views, split_loops, value, where: str) -> None:
    v = views.view(value)
    if v is None or v.kind != kind:
        return
    # Keeping every line or field of one input keeps most of it anyway: that is not a
    # small piece pinning a big array.
    if any(v.root == root and loop.start_byte <= value.start_byte < loop.end_byte for loop, root in split_loops):
        return
    what = "array" if kind == "bytes" else "string"
    ctx.report(entry_id, value, f"`{ctx.text(value)}` shares the memory of `{v.root}` ({v.origin}) and {where}, pinning the whole {what}", "medium")


@detector("subslice-retention", b"ReadAll", b"ReadFile", b"make([]byte")
def subslice_retention(ctx: CodeContext) -> None:
    _retention(ctx, "bytes")


@detector("substring-retention", b"ReadAll", b"ReadFile")
def substring_retention(ctx: CodeContext) -> None:
    _retention(ctx, "string")


# ---------------------------------------------------------------------------------------
# Types, as far as the file declares them.


def _resolve(kind, info: FileInfo, ctx: CodeContext, depth: int = 0):
    """Follow named types declared in this file to their definition."""
    while kind is not None and depth < 8:
        if kind.type == "parenthesized_type" and kind.named_children:
            kind = kind.named_children[0]
        elif kind.type == "generic_type":
            kind = kind.child_by_field_name("type")
        elif kind.type == "type_identifier" and ctx.text(kind) in info.types and ctx.text(kind) not in info.type_params:
            kind = info.types[ctx.text(kind)]
        else:
            return kind
        depth += 1
    return kind


def _holds_pointers(kind, info: FileInfo, ctx: CodeContext, depth: int = 0) -> str | None:
    """"yes" when values of this type are or hold references the GC follows directly
    (pointers, slices, maps, channels, funcs, interfaces), "struct" for a struct (or array)
    holding some, "maybe" for a type parameter, None when they hold none or the file does
    not say. Strings count as none: a stale string rarely pins much, and []string
    reslicing (args = args[1:]) is everywhere."""
    kind = _resolve(kind, info, ctx)
    if kind is None or depth > 4:
        return None
    if kind.type in REFERENCE_TYPES:
        return "yes"
    if kind.type == "type_identifier":
        name = ctx.text(kind)
        if name in ("any", "error"):
            return "yes"
        return "maybe" if name in info.type_params else None
    if kind.type == "array_type":
        inner = _holds_pointers(kind.child_by_field_name("element"), info, ctx, depth + 1)
        return "struct" if inner == "yes" else inner
    if kind.type == "struct_type":
        verdicts = {_holds_pointers(t, info, ctx, depth + 1) for t in _struct_fields(kind, ctx).values()}
        return "struct" if verdicts & {"yes", "struct"} else "maybe" if "maybe" in verdicts else None
    return None


def _declared_type(name: str, scope: Scope):
    """The declared type of a variable, parameter or global named `name`."""
    ctx = scope.ctx
    decl = scope.receivers.get(name) or scope.params.get(name)
    if decl is not None:
        return decl
    spec = scope.locals.get(name)
    if spec is None and scope.is_global(name):
        spec = scope.info.globals[name]
    if spec is None or spec.type not in ("var_spec", "short_var_declaration"):
        return None
    kind = spec.child_by_field_name("type")
    if kind is not None:
        return kind
    value = spec.child_by_field_name("value") or spec.child_by_field_name("right")
    first = _strip(value.named_children[0]) if value is not None and value.named_children else None
    if first is not None and first.type == "unary_expression" and ctx.text(first).startswith("&"):
        first = _strip(first.child_by_field_name("operand"))
    if first is None:
        return None
    if first.type == "composite_literal":
        return first.child_by_field_name("type")
    if first.type == "type_assertion_expression":
        return first.child_by_field_name("type")
    if first.type == "call_expression" and _callee(first, ctx) in ("make", "new"):
        args = _args(first)
        return args[0] if args else None
    if first.type == "call_expression":
        function = first.child_by_field_name("function")
        if function.type == "identifier":
            return scope.info.results.get(ctx.text(function))
        if function.type == "selector_expression":
            return scope.info.results.get("." + ctx.text(function.child_by_field_name("field")))
    return None


def _expression_type(node, scope: Scope):
    """The declared type of `x`, `x.f`, `*p` or `(*p)`, when the file says."""
    ctx, info = scope.ctx, scope.info
    node = _strip(node)
    if node is None:
        return None
    if node.type == "identifier":
        return _declared_type(ctx.text(node), scope)
    if node.type == "unary_expression" and ctx.text(node).startswith("*"):
        kind = _resolve(_expression_type(node.child_by_field_name("operand"), scope), info, ctx)
        return kind.named_children[0] if kind is not None and kind.type == "pointer_type" and kind.named_children else None
    if node.type == "selector_expression":
        name = ctx.text(node.child_by_field_name("field"))
        owner = _resolve(_expression_type(node.child_by_field_name("operand"), scope), info, ctx)
        if owner is not None and owner.type == "pointer_type" and owner.named_children:
            owner = _resolve(owner.named_children[0], info, ctx)
        if owner is not None and owner.type == "struct_type":
            return _struct_fields(owner, ctx).get(name)
        # The owner's type is not known here: use the field if only one struct declares it.
        candidates = [fields[name] for fields in info.structs.values() if name in fields]
        return candidates[0] if len(candidates) == 1 else None
    return None


def _element_type(node, scope: Scope):
    kind = _resolve(_expression_type(node, scope), scope.info, scope.ctx)
    return kind.child_by_field_name("element") if kind is not None and kind.type == "slice_type" else None


# ---------------------------------------------------------------------------------------
# stale-slice-pointers: a long-lived slice of pointers shrunk without clearing the slots.

SHRINKING = {"slices.Delete", "slices.DeleteFunc", "slices.Compact", "slices.CompactFunc", "slices.Replace"}


def _zeroish(node, ctx: CodeContext) -> bool:
    node = _strip(node)
    if node is None:
        return False
    text = ctx.text(node)
    if text in ("nil", '""', "0") or text.startswith("*new("):
        return True
    if node.type == "identifier" and (text.lower().startswith("zero") or text.lower().startswith("empty")):
        return True
    if node.type == "composite_literal":
        body = node.child_by_field_name("body")
        return body is not None and not body.named_children
    return False


def _clears(func, names: set[str], ctx: CodeContext) -> tuple[bool, bool]:
    """(some slot of the slice is cleared, some slot is assigned at all) in `func`."""
    cleared = assigned = False
    nodes = [call for call, _ in ctx.calls_named("clear", within=func)] + _assignment_statements(ctx, func)
    for node in nodes:
        if node.type == "call_expression" and _callee(node, ctx) == "clear":
            args = _args(node)
            arg = _strip(args[0]) if args else None
            if arg is not None and arg.type == "slice_expression":
                arg = _strip(arg.child_by_field_name("operand"))
            if arg is not None and _norm(arg, ctx) in names:
                cleared = True
        elif node.type == "assignment_statement":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            values = right.named_children if right is not None else []
            for i, target in enumerate(left.named_children if left is not None else []):
                target = _strip(target)
                if target.type == "index_expression" and _norm(target.child_by_field_name("operand"), ctx) in names:
                    assigned = True
                    if len(values) == len(left.named_children) and _zeroish(values[i], ctx):
                        cleared = True
    return cleared, assigned


@detector("stale-slice-pointers", b"[]")
def stale_slice_pointers(ctx: CodeContext) -> None:
    if ctx.source.name.endswith("_test.go"):
        return
    candidates: dict[int, tuple] = {}  # function id -> (function, [assignments that shrink])
    for node in _shrinking_assignments(ctx):
        right = node.child_by_field_name("right")
        if any(v.type == "slice_expression" or _callee(v, ctx) in SHRINKING for v in map(_strip, right.named_children)):
            func = _top_function(node)
            if func is not None:
                candidates.setdefault(func.id, (func, []))[1].append(node)
    for func, statements in candidates.values():
        scope = _scope(func, ctx)
        aliases: dict[str, str] = {}  # old := *h, items := s.items
        for node in _short_var_declarations(ctx, func):
            if node.type == "short_var_declaration":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and right is not None and len(left.named_children) == len(right.named_children) == 1:
                    value = _strip(right.named_children[0])
                    if value.type in ("identifier", "selector_expression", "unary_expression") and scope.lifetime(value):
                        aliases[ctx.text(left.named_children[0])] = _norm(value, ctx)
        for statement in statements:
            left, right = statement.child_by_field_name("left"), statement.child_by_field_name("right")
            if len(left.named_children) == len(right.named_children):
                for target, value in zip(left.named_children, right.named_children):
                    _stale_shrink(ctx, scope, func, aliases, statement, target, _strip(value))


# Where a slice `x[:n]`, `x[0:n]` or `x[i:]` starts or ends (spaces and comments allowed
# between the brackets and the colon): the only slices _stale_shrink can report.
_GAP = rb"(?:\s|//[^\n]*\n|/\*(?:[^*]|\*(?!/))*\*/)*+"  # possessive: one way to read a gap
_SHRINK_EDGE = re.compile(rb"\[" + _GAP + rb"(?:0" + _GAP + rb")?:|:" + _GAP + rb"\]")


def _shrinking_assignments(ctx: CodeContext) -> list:
    """The `=` assignments, in source order, that may shrink a slice: those with a value
    `x[:n]`, `x[0:n]`, `x[i:]` or a slices.Delete-like call, found from the text (with
    syntax errors, every `=` assignment). Other slices (`x[i:j]`, `x[:]`) are never reported."""
    if ctx.source.root.has_error:
        return _plain_assignments(ctx)
    text = ctx.source.text
    values = [call for call, callee in ctx.calls_from("slices.") if callee in SHRINKING]
    m = _SHRINK_EDGE.search(text)
    while m is not None:  # every place a match starts, overlapping ones included
        start = m.start()
        token = ctx.source.descendant(start, start + 1)
        if token is not None and token.start_byte == start and token.end_byte == start + 1:
            parent = token.parent
            if parent is not None and parent.type == "slice_expression":
                values.append(parent)
        m = _SHRINK_EDGE.search(text, start + 1)
    found = {}
    for value in values:
        node = value.parent
        while node is not None and node.type == "parenthesized_expression":
            node = node.parent
        statement = node.parent if node is not None and node.type == "expression_list" else None
        if statement is not None and statement.type == "assignment_statement" and ctx.text(statement.child_by_field_name("operator")) == "=":
            found[statement.id] = statement
    return sorted(found.values(), key=source_order)


def _grows(func, statement, name: str, ctx: CodeContext) -> bool:
    """`name` was computed by adding to a length, or the statement runs under a test against cap()."""
    for node in _short_var_declarations(ctx, func):
        if node.type == "short_var_declaration" and node.start_byte < statement.start_byte:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if [ctx.text(n) for n in left.named_children] == [name] and "+" in ctx.text(right):
                return True
    current = statement.parent
    while current is not None and current is not func:
        if current.type == "if_statement":
            condition = current.child_by_field_name("condition")
            if condition is not None and "cap(" in ctx.text(condition):
                return True
        current = current.parent
    return False


def _stale_shrink(ctx: CodeContext, scope: Scope, func, aliases: dict, statement, left, right) -> None:
    left = _strip(left)
    if left.type not in ("identifier", "selector_expression", "unary_expression") or scope.lifetime(left) is None:
        return
    target = _norm(left, ctx)
    names = {target} | {a for a, t in aliases.items() if t == target}
    if right.type == "call_expression" and _callee(right, ctx) in SHRINKING:
        args = _args(right)
        if not args or _norm(args[0], ctx) not in names:
            return
        verdict = _holds_pointers(_element_type(left, scope), scope.info, ctx)
        report, confidence, note = ctx.version_gate(1, 22)
        if verdict is None or not report:
            return
        confidence = "medium" if verdict == "yes" and confidence != "low" else "low"
        callee = _callee(right, ctx)
        ctx.report("stale-slice-pointers", statement, f"`{callee}` on `{target}` leaves the removed elements in the array past the new length (cleared only since Go 1.22)", confidence, note)
        return
    if right.type != "slice_expression" or _norm(right.child_by_field_name("operand"), ctx) not in names:
        return
    start, end = right.child_by_field_name("start"), right.child_by_field_name("end")
    start_text = "".join(ctx.text(start).split()) if start is not None else ""
    end_text = "".join(ctx.text(end).split()) if end is not None else ""
    if right.child_by_field_name("capacity") is not None or "+" in end_text or "cap(" in end_text:
        return  # growing back into the capacity, or a three-index slice: not a plain shrink
    if end is not None and any(n.type == "call_expression" and _callee(n, ctx) == "len" and _args(n) and _norm(_args(n)[0], ctx) not in names for n in walk(end)):
        return  # s = s[:len(other)]: resized to match something else, maybe longer
    if end is not None and end.type == "identifier" and _grows(func, statement, ctx.text(end), ctx):
        return  # n := len(s) + 1 ... s = s[:n], or under `if n <= cap(s)`: growing, not shrinking
    if start_text not in ("", "0") and end is not None:
        return  # a window in the middle
    if end is None and start_text in ("", "0"):
        return
    element = _element_type(left, scope)
    verdict = _holds_pointers(element, scope.info, ctx)
    if verdict is None:
        return
    cleared, assigned = _clears(func, names, ctx)
    pop = end is not None and (end_text.endswith("-1") or _is_len_minus_one(end, func, ctx))
    if cleared or (pop and assigned):
        return  # the slot was set to nil, or swap-removed (it still holds a live element)
    elem = ctx.text(element)
    if end is None:
        what = f"drops the head of a `[]{elem}` without setting `{target}[0]` to nil, so the array still points to the dropped elements"
    elif pop:
        what = f"pops a `{elem}` without setting the vacated slot to nil, so the array still points to it"
    else:
        what = f"shortens a `[]{elem}` without clearing the slots past the new length, which still point to the removed elements"
    # A reset to [:0] is usually a reused scratch slice that the next use overwrites, and a
    # struct element may hold little: both are weaker signs than a pointer popped for good.
    reset = end is not None and end_text == "0"
    confidence = "medium" if verdict == "yes" and not reset else "low"
    note = f"`{elem}` is a type parameter: this matters when it holds pointers" if verdict == "maybe" else ""
    ctx.report("stale-slice-pointers", statement, f"`{ctx.text(left)} = {ctx.text(right)}` {what}", confidence, note)


def _is_len_minus_one(end, func, ctx: CodeContext) -> bool:
    """`n` where the function sets `n := len(x) - 1`."""
    end = _strip(end)
    if end.type != "identifier":
        return False
    name = ctx.text(end)
    for node in _short_var_declarations(ctx, func) + _assignment_statements(ctx, func):
        if node.type in ("short_var_declaration", "assignment_statement"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None and len(left.named_children) == len(right.named_children):
                for target, value in zip(left.named_children, right.named_children):
                    text = "".join(ctx.text(value).split())
                    if ctx.text(target) == name and text.startswith("len(") and text.endswith("-1"):
                        return True
    return False


# ---------------------------------------------------------------------------------------
# Long-lived maps: package-level map variables and map-typed struct fields.


@dataclass
class LongMap:
    name: str  # the variable, or the field name
    is_field: bool
    key_type: object = None  # the map's key type node (None for sync.Map)
    owners: set = field(default_factory=set)  # structs declaring the field
    sync_map: bool = False
    writes: list = field(default_factory=list)  # (statement, target node, function)
    shrinks: list = field(default_factory=list)  # delete/clear/LoadAndDelete/... calls
    resets: list = field(default_factory=list)  # assignments of a new map outside set-up code
    bounded: bool = False  # len(m) compared somewhere


def _map_type(kind, info: FileInfo, ctx: CodeContext):
    kind = _resolve(kind, info, ctx)
    return kind if kind is not None and kind.type == "map_type" else None


def _long_maps(ctx: CodeContext, info: FileInfo) -> dict[tuple[str, bool], LongMap]:
    maps = {}
    for name, spec in info.globals.items():
        kind = spec.child_by_field_name("type")
        if kind is None:
            value = spec.child_by_field_name("value")
            first = _strip(value.named_children[0]) if value is not None and value.named_children else None
            if first is not None and first.type == "composite_literal":
                kind = first.child_by_field_name("type")
            elif first is not None and first.type == "call_expression" and _callee(first, ctx) == "make" and _args(first):
                kind = _args(first)[0]
        if kind is not None and ctx.text(kind) in ("sync.Map", "*sync.Map"):
            maps[(name, False)] = LongMap(name, False, sync_map=True)
        elif (m := _map_type(kind, info, ctx)) is not None:
            maps[(name, False)] = LongMap(name, False, m.child_by_field_name("key"))
    for owner, fields in info.structs.items():
        for name, kind in fields.items():
            if kind is not None and ctx.text(kind) in ("sync.Map", "*sync.Map"):
                maps.setdefault((name, True), LongMap(name, True, sync_map=True)).owners.add(owner)
            elif (m := _map_type(kind, info, ctx)) is not None:
                maps.setdefault((name, True), LongMap(name, True, m.child_by_field_name("key"))).owners.add(owner)
    return maps


def _global_types(ctx: CodeContext, info: FileInfo) -> set[str]:
    """Names of the types of package-level variables: `var srv = &Server{}` -> Server."""
    found = set()
    for spec in info.globals.values():
        kind = spec.child_by_field_name("type")
        value = spec.child_by_field_name("value")
        first = _strip(value.named_children[0]) if kind is None and value is not None and value.named_children else None
        if first is not None and first.type == "unary_expression" and ctx.text(first).startswith("&"):
            first = _strip(first.child_by_field_name("operand"))
        if first is not None and first.type == "composite_literal":
            kind = first.child_by_field_name("type")
        elif first is not None and first.type == "call_expression" and _callee(first, ctx) == "new" and _args(first):
            kind = _args(first)[0]
        if kind is not None:
            found.add(_type_name(kind, ctx))
    return found


SETUP = ("init", "main")


def _is_setup(func, ctx: CodeContext) -> bool:
    """init, main and constructors (New..., new..., make..., Reset-free set-up code)."""
    name = func.child_by_field_name("name")
    text = ctx.text(name) if name is not None else ""
    return text in SETUP or text.startswith(("New", "new", "make", "Make"))


def _map_key(node, scope: Scope, maps: dict, strict: bool = True) -> LongMap | None:
    """The long-lived map an expression names: `cache`, `c.items`, `s.byID`. Not strict
    (for deletes and resets), `ps.items` counts whatever `ps` is: `ps := wp.store`."""
    node = _strip(node)
    if node is None:
        return None
    if node.type == "identifier":
        name = scope.ctx.text(node)
        return maps.get((name, False)) if scope.is_global(name) else None
    if node.type == "selector_expression":
        root = _root(node)
        if strict and (root is None or scope.declares(scope.ctx.text(root)) and scope.ctx.text(root) not in scope.params):
            return None  # a map in a struct this function made itself
        return maps.get((scope.ctx.text(node.child_by_field_name("field")), True))
    return None


def _map_uses(ctx: CodeContext) -> dict:
    """The file's long-lived maps, with their writes, deletes, resets and size checks."""
    cache = _cache(ctx)
    if cache.maps is None:
        info = cache.info(ctx)
        cache.maps = _long_maps(ctx, info)
        if cache.maps:
            _collect_map_uses(ctx, info, cache.maps)
    return cache.maps


def _collect_map_uses(ctx: CodeContext, info: FileInfo, maps: dict) -> None:
    """Fill in where each long-lived map is written, shrunk, reset and bounded."""
    names = {m.name.encode() for m in maps.values()}
    if ctx.source.name.endswith("_test.go"):
        return  # _top_functions leaves test files out
    # What can change a map's record: delete/clear/len calls, a sync.Map's methods, and
    # `=` assignments (the calls and statements of the function, in source order).
    called = ["delete", "clear", "len"]
    if any(m.sync_map for m in maps.values()):
        called += ["Delete", "LoadAndDelete", "CompareAndDelete", "Clear", "Store", "LoadOrStore"]
    calls = [call for call, _ in ctx.calls_named(*called)]
    assignments = _assignments_to(ctx, {m.name for m in maps.values()})
    for func in _top_functions(ctx):
        if not any(name in ctx.source.text[func.start_byte : func.end_byte] for name in names):
            continue
        scope = _scope(func, ctx)
        setup = _is_setup(func, ctx)
        for node in sorted(_within(calls, func) + _within(assignments, func), key=source_order):
            if node.type == "call_expression":
                callee = _callee(node, ctx)
                args = _args(node)
                if callee in ("delete", "clear") and args and (m := _map_key(args[0], scope, maps, strict=False)) is not None:
                    m.shrinks.append(node)
                elif callee == "len" and args and (m := _map_key(args[0], scope, maps, strict=False)) is not None:
                    m.bounded = m.bounded or _size_limit(node, ctx)
                elif "." in callee:
                    method = callee.rsplit(".", 1)[1]
                    function = node.child_by_field_name("function")
                    operand = function.child_by_field_name("operand") if function.type == "selector_expression" else None
                    m = _map_key(operand, scope, maps, strict=False)
                    if m is not None and m.sync_map:
                        if method in ("Delete", "LoadAndDelete", "CompareAndDelete", "Clear"):
                            m.shrinks.append(node)
                        elif method in ("Store", "LoadOrStore") and not setup and _map_key(operand, scope, maps) is m:
                            m.writes.append((node, node, func))
            elif node.type == "assignment_statement" and ctx.text(node.child_by_field_name("operator")) == "=":
                for target in node.child_by_field_name("left").named_children:
                    target = _strip(target)
                    if target.type == "index_expression":
                        m = _map_key(target.child_by_field_name("operand"), scope, maps)
                        if m is not None and not m.sync_map and not setup:
                            m.writes.append((node, target, func))
                    elif (m := _map_key(target, scope, maps, strict=False)) is not None and not setup and not _lazy_init(node, target, ctx):
                        m.resets.append(node)


def _assignments_to(ctx: CodeContext, names: set[str]) -> list:
    """The `=` assignments, in source order, with one of `names` on the left: a write to a
    map `m[k] = v`, `s.m[k] = v` or a reset `m = ...` names the map there."""
    if ctx.source.root.has_error or not all(_ASCII_NAME.fullmatch(name) for name in names):
        return _plain_assignments(ctx)
    found = {}
    for name in sorted(names):
        for token in _word_nodes(ctx, name):
            if token.child_count != 0 or not (token.type == name or token.type.endswith("identifier")):
                continue  # what ctx.tokens(name) keeps
            node = token.parent
            while node is not None:
                if node.type == "assignment_statement" and node.id not in found:
                    left = node.child_by_field_name("left")
                    if left is not None and left.start_byte <= token.start_byte and token.end_byte <= left.end_byte:
                        found[node.id] = node
                node = node.parent
    return sorted((n for n in found.values() if ctx.text(n.child_by_field_name("operator")) == "="), key=source_order)


def _size_limit(length, ctx: CodeContext) -> bool:
    """`len(m) >= max`, `n < len(m)`: a comparison with something other than 0 or 1."""
    parent = length.parent
    if parent is None or parent.type != "binary_expression" or ctx.text(parent.child_by_field_name("operator")) not in (">", ">=", "<", "<="):
        return False
    other = parent.child_by_field_name("right") if parent.child_by_field_name("left") == length else parent.child_by_field_name("left")
    return ctx.text(other) not in ("0", "1")


def _lazy_init(statement, target, ctx: CodeContext) -> bool:
    """`if m == nil { m = make(...) }`: creating the map on first use is not a reset."""
    guard = enclosing(statement, ("if_statement",))
    condition = guard.child_by_field_name("condition") if guard is not None else None
    return condition is not None and "".join(ctx.text(condition).split()) == f"{''.join(ctx.text(target).split())}==nil"


def _memoises(func, target, m: LongMap, scope: Scope) -> bool:
    """The function also reads the value stored under the same key: a get-or-compute cache
    (or a seen-set). `_, dup := m[k]` followed by a panic or an error is a registry of
    names, not a cache, and does not count."""
    ctx = scope.ctx
    only = {(m.name, m.is_field): m}
    if any(n.type == "call_expression" and _callee(n, ctx) == "panic" for n in walk(func)):
        return False  # duplicates are a programming error: a registry filled at start-up
    if target.type == "call_expression":  # sync.Map
        if _callee(target, ctx).rsplit(".", 1)[-1] == "LoadOrStore":
            return True
        key = ctx.text(_args(target)[0]) if _args(target) else None
        lookups = [
            n
            for n in walk(func)
            if n.type == "call_expression"
            and _callee(n, ctx).rsplit(".", 1)[-1] == "Load"
            and _args(n)
            and ctx.text(_args(n)[0]) == key
            and _map_key(n.child_by_field_name("function").child_by_field_name("operand"), scope, only) is m
        ]
    else:
        key = ctx.text(target.child_by_field_name("index"))
        lookups = [
            n
            for n in walk(func)
            if n.type == "index_expression"
            and n != target
            and ctx.text(n.child_by_field_name("index")) == key
            and _map_key(n.child_by_field_name("operand"), scope, only) is m
        ]
    return any(_value_used(n, ctx) for n in lookups)


def _value_used(lookup, ctx: CodeContext) -> bool:
    """`v, ok := m[k]` or `if m[k] {`, not `_, ok := m[k]`."""
    parent = lookup.parent
    if parent is not None and parent.type == "expression_list" and parent.parent is not None and parent.parent.type in ("short_var_declaration", "assignment_statement"):
        statement = parent.parent
        if statement.child_by_field_name("right") != parent:
            return False  # m[k] on the left: a write
        left = statement.child_by_field_name("left")
        return left is not None and bool(left.named_children) and ctx.text(left.named_children[0]) != "_"
    return True


STRING_CALLS = ("fmt.Sprint", "fmt.Sprintf", "strings.", "strconv.Itoa", "strconv.Quote", "path.", "filepath.", "url.")
STRING_METHODS = ("String", "Get", "FormValue", "PostFormValue", "PathValue", "Query", "Name", "Addr", "Key", "ID")


def _stringish(kind, info: FileInfo, ctx: CodeContext, depth: int = 0) -> bool:
    """A string type, or a struct (or named type) built on one: keys that can take any value."""
    kind = _resolve(kind, info, ctx)
    if kind is None or depth > 3:
        return False
    if kind.type == "type_identifier":
        return ctx.text(kind) == "string"
    if kind.type == "struct_type":
        return any(_stringish(t, info, ctx, depth + 1) for t in _struct_fields(kind, ctx).values())
    if kind.type == "array_type":
        return _stringish(kind.child_by_field_name("element"), info, ctx, depth + 1)
    return False


def _string_key(key, scope: Scope, depth: int = 0) -> bool:
    """A sync.Map key that is a string: a string variable, a concatenation, fmt.Sprint, r.URL.Path..."""
    ctx = scope.ctx
    key = _strip(key)
    if key is None or depth > 3:
        return False
    if key.type in ("interpreted_string_literal", "raw_string_literal"):
        return False  # a constant key: one entry
    if key.type == "binary_expression" and ctx.text(key.child_by_field_name("operator")) == "+":
        return True
    if key.type == "call_expression":
        callee = _callee(key, ctx)
        return callee == "string" or callee.startswith(STRING_CALLS) or callee.rsplit(".", 1)[-1] in STRING_METHODS
    if key.type == "selector_expression":
        return ctx.text(key.child_by_field_name("field")) in ("Path", "RawQuery", "RemoteAddr", "Host", "RequestURI", "URL")
    if key.type == "identifier":
        name = ctx.text(key)
        kind = _declared_type(name, scope)
        if kind is not None:
            return _stringish(kind, scope.info, ctx)
        decl = scope.locals.get(name)
        if decl is not None and decl.type == "short_var_declaration":
            left, right = decl.child_by_field_name("left"), decl.child_by_field_name("right")
            names = [ctx.text(n) for n in left.named_children]
            if name in names and len(names) == len(right.named_children):
                return _string_key(right.named_children[names.index(name)], scope, depth + 1)
    return False


def _from_request(key, scope: Scope, depth: int = 0) -> bool:
    """The key comes from an incoming HTTP request (`r.RemoteAddr`, `r.URL.Path`, a local
    set from them): every client or URL ever seen gets an entry."""
    ctx = scope.ctx
    for node in walk(key):
        if node.type != "identifier":
            continue
        name = ctx.text(node)
        kind = scope.params.get(name)
        if kind is not None and "".join(ctx.text(kind).split()) == "*http.Request":
            return True
        decl = scope.locals.get(name)
        if depth < 2 and decl is not None and decl.type == "short_var_declaration" and decl.start_byte < key.start_byte:
            if _from_request(decl.child_by_field_name("right"), scope, depth + 1):
                return True
    return False


@detector("unbounded-cache", b"map[", b"sync.Map")
def unbounded_cache(ctx: CodeContext) -> None:
    info = _file_info(ctx)
    maps = _map_uses(ctx)
    held = _global_types(ctx, info) if maps else set()
    for m in maps.values():
        if not m.writes or m.shrinks or m.resets or m.bounded:
            continue
        if m.is_field and not m.owners & held:
            continue  # a struct no package-level variable holds may live for one job only
        if m.key_type is not None and not _stringish(m.key_type, info, ctx):
            continue  # keyed by types, ids or enums: bounded by the program more often than not
        for statement, target, func in m.writes:
            scope = _scope(func, ctx)
            key = _args(target)[0] if target.type == "call_expression" else target.child_by_field_name("index")
            if m.sync_map and not _string_key(key, scope):
                continue
            if not _memoises(func, target, m, scope) and not _from_request(key, scope):
                continue
            where = f"field `{m.name}` of the package-level `{'`, `'.join(sorted(m.owners & held))}`" if m.is_field else f"`{m.name}`"
            ctx.report(
                "unbounded-cache",
                statement,
                f"{where} gets an entry for every new `{ctx.text(key)}` and nothing in this file deletes from it or limits its size",
                "medium",
            )
            break  # one finding per map


# ---------------------------------------------------------------------------------------
# closure-retention: a callback kept in a long-lived registry captures a whole object and
# reads only a field or two of it.

KNOWN_BIG = {"http.Request", "http.Response", "bytes.Buffer", "bufio.Reader", "bufio.Writer", "os.File", "sql.Rows"}


def _captured_fields(literal, scope: Scope) -> dict[str, dict[str, str]]:
    """Outer variables the literal uses only as `v.Field` (never whole, never `v.Method()`):
    name -> {field read: the longest selector chain read through it, for the message}."""
    ctx = scope.ctx
    own = _declared_locals(literal, ctx)
    fields: dict[str, dict[str, str]] = {}
    whole: set[str] = set()
    body = literal.child_by_field_name("body")
    for node in walk(body) if body is not None else ():
        if node.type != "identifier":
            continue
        name = ctx.text(node)
        if name in own or name in scope.receivers or name not in scope.locals:
            continue
        decl = scope.locals[name]
        if literal.start_byte <= decl.start_byte < literal.end_byte:
            continue  # declared in a literal nested in this one
        parent = node.parent
        if parent is not None and parent.type == "literal_element" and parent.parent is not None and parent.parent.type == "keyed_element" and parent.parent.named_children[0] == parent:
            continue  # the key in T{Name: v}
        if parent is None or parent.type != "selector_expression" or parent.child_by_field_name("operand") != node:
            whole.add(name)
            continue
        outer = parent.parent
        if outer is not None and outer.type == "call_expression" and outer.child_by_field_name("function") == parent:
            whole.add(name)  # v.Method(): the method may use anything in v
        elif outer is not None and outer.type == "unary_expression" and ctx.text(outer).startswith("&"):
            whole.add(name)  # &v.Field points into v, keeping all of it
        elif outer is not None and outer.type in ("expression_list", "inc_statement", "dec_statement") and _written(parent):
            whole.add(name)  # v.Field = x writes into v itself
        else:
            chain = parent
            while chain.parent is not None and chain.parent.type == "selector_expression" and chain.parent.child_by_field_name("operand") == chain:
                above = chain.parent.parent
                if above is not None and above.type == "call_expression" and above.child_by_field_name("function") == chain.parent:
                    break
                chain = chain.parent
            read = ctx.text(parent.child_by_field_name("field"))
            fields.setdefault(name, {})
            if len(ctx.text(chain)) > len(fields[name].get(read, "")):
                fields[name][read] = ctx.text(chain)
    return {name: used for name, used in fields.items() if name not in whole}


def _written(selector) -> bool:
    """`v.F` is the target of an assignment or ++/--."""
    parent = selector.parent
    if parent.type in ("inc_statement", "dec_statement"):
        return True
    statement = parent.parent
    return statement is not None and statement.type == "assignment_statement" and statement.child_by_field_name("left") == parent


def _capture_weight(name: str, read: set[str], scope: Scope) -> tuple[str, str] | None:
    """(confidence, type text) when keeping variable `name` keeps more than the fields
    `read`: for a struct declared in this file, a field holding pointers (a slice, a map,
    a pointer...) that the closure does not read."""
    ctx, info = scope.ctx, scope.info
    kind = _declared_type(name, scope)
    if kind is None:
        return "low", ""  # from a call or a range: the type is not in this file
    text = ctx.text(kind)
    resolved = _resolve(kind, info, ctx)
    pointer = resolved is not None and resolved.type == "pointer_type" and bool(resolved.named_children)
    target = resolved.named_children[0] if pointer else kind
    fields = info.structs.get(_type_name(target, ctx))
    if fields is not None and _resolve(target, info, ctx).type == "struct_type":
        unread = [t for f, t in fields.items() if f not in read and _holds_pointers(t, info, ctx) in ("yes", "struct")]
        if not unread:
            return None  # the closure reads every part that could be big
        return ("medium" if pointer else "low"), text
    if pointer:
        return ("medium", text) if ctx.text(target) in KNOWN_BIG else ("low", text)
    return None


def _check_closure(ctx: CodeContext, scope: Scope, literal, where: str, holder: str = "") -> None:
    for name, used in sorted(_captured_fields(literal, scope).items()):
        if name == holder:
            continue  # stored inside the very object it captures: nothing extra stays alive
        weight = _capture_weight(name, set(used), scope)
        if weight is None:
            continue
        confidence, kind = weight
        reads = ", ".join(f"`{chain}`" for chain in sorted(set(used.values())))
        whole = f"the whole `{kind}`" if kind else f"all of `{name}`"
        ctx.report("closure-retention", literal, f"the closure {where} captures `{name}` but uses only {reads}; it keeps {whole} reachable", confidence)


@detector("closure-retention", b"func(")
def closure_retention(ctx: CodeContext) -> None:
    if ctx.source.name.endswith("_test.go"):
        return
    literals = ctx.of_type("func_literal") if ctx.source.root.has_error else ctx.with_keyword("func", "func_literal")
    if not literals:
        return  # both shapes store a func literal
    # The assignments holding a func literal and the Store calls, in source order.
    found = {}
    climbed: set[int] = set()  # each node's ancestors are walked once, however many literals nest in it
    for literal in literals:
        node = literal.parent
        while node is not None and node.id not in climbed:
            climbed.add(node.id)
            if node.type == "assignment_statement":
                found[node.id] = node
            node = node.parent
    found.update((call.id, call) for call, _ in ctx.calls_named("Store", "LoadOrStore"))
    for node in sorted(found.values(), key=source_order):
        if node.type == "assignment_statement" and ctx.text(node.child_by_field_name("operator")) == "=":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if len(left.named_children) != len(right.named_children):
                continue
            for target, value in zip(left.named_children, right.named_children):
                literals = [v for v in _stored_values(value, ctx) if v.type == "func_literal"]
                func = _top_function(node) if literals else None
                if func is None or (scope := _scope(func, ctx)).lifetime(target) is None:
                    continue
                target = _strip(target)
                verb = "stored in" if target.type == "index_expression" or _callee(_strip(value), ctx) != "append" else "appended to"
                root = _root(target)
                for literal in literals:
                    _check_closure(ctx, scope, literal, f"{verb} `{ctx.text(target)}`", ctx.text(root) if root is not None else "")
        elif node.type == "call_expression":
            receiver, _, method = _callee(node, ctx).rpartition(".")
            args = _args(node)
            if method not in ("Store", "LoadOrStore") or len(args) != 2 or _strip(args[1]).type != "func_literal":
                continue
            func = _top_function(node)
            if func is not None and (scope := _scope(func, ctx)).lifetime(node.child_by_field_name("function").child_by_field_name("operand")):
                _check_closure(ctx, scope, _strip(args[1]), f"stored in `{receiver}`")


# ---------------------------------------------------------------------------------------
# map-no-shrink: a long-lived map emptied in place keeps the table of its peak size.


@detector("map-no-shrink", b"delete(", b"clear(")
def map_no_shrink(ctx: CodeContext) -> None:
    info = _file_info(ctx)
    maps = {k: m for k, m in _map_uses(ctx).items() if not m.sync_map}
    held = _global_types(ctx, info) if maps else set()
    for m in maps.values():
        if m.resets or (m.is_field and not m.owners & held):
            continue  # replaced somewhere (that frees the table), or not known to live long
        for call in m.shrinks:
            name = ctx.text(_args(call)[0])
            if _callee(call, ctx) == "clear":
                ctx.report("map-no-shrink", call, f"`clear({name})` empties the long-lived map in place; its table keeps the size of its peak", "low")
            elif (loop := _delete_all_loop(call, name, ctx)) is not None:
                ctx.report("map-no-shrink", loop, f"every key of the long-lived map `{name}` is deleted in place; its table keeps the size of its peak", "low")


def _delete_all_loop(call, name: str, ctx: CodeContext):
    """`for k := range m { delete(m, k) }`, the delete not under any condition."""
    statement = call.parent
    block = statement.parent if statement is not None else None
    if block is not None and block.type == "statement_list":
        block = block.parent
    loop = block.parent if block is not None and block.type == "block" else None
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None) if loop is not None and loop.type == "for_statement" else None
    if statement is None or statement.type != "expression_statement" or clause is None:
        return None
    left, right = clause.child_by_field_name("left"), clause.child_by_field_name("right")
    args = _args(call)
    if left is None or right is None or len(args) != 2 or _norm(right, ctx) != _norm(args[0], ctx):
        return None
    return loop if left.named_children and ctx.text(left.named_children[0]) == ctx.text(args[1]) else None


# ---------------------------------------------------------------------------------------
# pool-oversized: a growable buffer put back into a sync.Pool whatever its capacity.


def _growable(kind, info: FileInfo, ctx: CodeContext, depth: int = 0) -> str | None:
    """"buffer" for bytes.Buffer, "slice" for []byte (grows only by append), and the same for
    pointers to them and structs of this file holding them."""
    if kind is None or depth > 3:
        return None
    text = "".join(ctx.text(kind).split())
    if text.lstrip("*") == "bytes.Buffer":
        return "buffer"
    kind = _resolve(kind, info, ctx)
    if kind is None:
        return None
    if kind.type == "pointer_type" and kind.named_children:
        return _growable(kind.named_children[0], info, ctx, depth + 1)
    if kind.type == "slice_type" and ctx.text(kind.child_by_field_name("element")) in ("byte", "uint8"):
        return "slice"
    if kind.type == "struct_type":
        found = {_growable(t, info, ctx, depth + 1) for t in _struct_fields(kind, ctx).values()}
        return "buffer" if "buffer" in found else "slice" if "slice" in found else None
    return None


def _pools(ctx: CodeContext, info: FileInfo) -> tuple[set[str], set[str]]:
    """(package-level sync.Pool variables, sync.Pool struct fields) of this file."""
    names = set()
    for name, spec in info.globals.items():
        kind = spec.child_by_field_name("type")
        value = spec.child_by_field_name("value")
        first = _strip(value.named_children[0]) if kind is None and value is not None and value.named_children else None
        if first is not None and first.type == "unary_expression" and ctx.text(first).startswith("&"):
            first = _strip(first.child_by_field_name("operand"))
        if first is not None and first.type == "composite_literal":
            kind = first.child_by_field_name("type")
        if kind is not None and "".join(ctx.text(kind).split()).lstrip("*") == "sync.Pool":
            names.add(name)
    fields = {name for struct in info.structs.values() for name, kind in struct.items() if kind is not None and ctx.text(kind).lstrip("*") == "sync.Pool"}
    return names, fields


@detector("pool-oversized", b"sync.Pool")
def pool_oversized(ctx: CodeContext) -> None:
    info = _file_info(ctx)
    names, fields = _pools(ctx, info)
    for func in _top_functions(ctx, b".Put("):
        scope = None
        for call in (n for n in walk(func) if n.type == "call_expression"):
            function = call.child_by_field_name("function")
            args = _args(call)
            if function is None or function.type != "selector_expression" or ctx.text(function.child_by_field_name("field")) != "Put" or len(args) != 1:
                continue
            pool = _strip(function.child_by_field_name("operand"))
            is_pool = (pool.type == "identifier" and ctx.text(pool) in names) or (pool.type == "selector_expression" and ctx.text(pool.child_by_field_name("field")) in fields)
            if not is_pool:
                continue
            scope = scope or _scope(func, ctx)
            arg = _strip(args[0])
            value = _strip(arg.child_by_field_name("operand")) if arg.type == "unary_expression" and ctx.text(arg).startswith("&") else arg
            if value.type == "slice_expression":
                value = _strip(value.child_by_field_name("operand"))
            if value.type == "unary_expression" and ctx.text(value).startswith("*"):
                value = _strip(value.child_by_field_name("operand"))
            if value.type != "identifier":
                continue
            buffer = ctx.text(value)
            growable = _growable(_declared_type(buffer, scope), info, ctx)
            if growable is None:
                continue
            if growable == "slice" and not _appends_to(func, buffer, ctx):
                continue  # a fixed-size buffer (e.g. for io.CopyBuffer) cannot come back bigger
            if _size_checked(func, buffer, ctx):
                continue
            ctx.report("pool-oversized", call, f"`{buffer}` goes back into `{ctx.text(pool)}` whatever its capacity; one huge request keeps a huge buffer in the pool", "medium")


def _appends_to(func, buffer: str, ctx: CodeContext) -> bool:
    """The function appends to the pooled slice (or to `b := (*bp)[:0]`), so it can come
    back bigger; one only handed to io.CopyBuffer or Read keeps its size."""
    names = {buffer}
    for node in walk(func):
        if node.type == "short_var_declaration":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if len(left.named_children) == len(right.named_children) == 1 and _root(right.named_children[0]) is not None and ctx.text(_root(right.named_children[0])) in names:
                names.add(ctx.text(left.named_children[0]))
    for node in walk(func):
        if node.type == "call_expression":
            name = _callee(node, ctx).rsplit(".", 1)[-1]
            args = _args(node)
            if (name == "append" or name.startswith("Append")) and args and (root := _root(args[0])) is not None and ctx.text(root) in names:
                return True
    return False


def _size_checked(func, buffer: str, ctx: CodeContext) -> bool:
    """A cap()/Cap() call anywhere in the function, or an `if` testing the buffer's length."""
    for node in walk(func):
        if node.type == "call_expression":
            callee = _callee(node, ctx)
            if callee == "cap" or callee.endswith(".Cap"):
                return True
        elif node.type == "if_statement" and (condition := node.child_by_field_name("condition")) is not None:
            for call in walk(condition):
                if call.type != "call_expression":
                    continue
                callee = _callee(call, ctx)
                args = _args(call)
                if callee == "len" and args and (root := _root(args[0])) is not None and ctx.text(root) == buffer:
                    return True
                if callee.endswith(".Len") and (root := _root(call.child_by_field_name("function"))) is not None and ctx.text(root) == buffer:
                    return True
    return False
