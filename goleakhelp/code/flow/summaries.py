"""What the functions of the analysed file do with the values passed to them.

A call `logSize(f)` hands `f` on only if `logSize` closes, stores, returns or passes it
on; when `logSize` is a function of the same file that only uses its parameter, the
caller still owns `f`. Summaries are computed on demand, once per function, parameter
and kind of release. Across the files of a package they are not (yet) gathered: a
function defined in another file is unknown, and a call to it stays a hand-off.
"""

from __future__ import annotations

from goleakhelp.code.flow.ownership import HAND, RELEASE, USE, Release, Tracker


class Summaries:
    def __init__(self, ctx):
        self.ctx = ctx
        # Plain functions only: a method call may go through an interface to any type.
        self.functions: dict[str, object] = {}
        for node in ctx.with_keyword("func", "function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                self.functions[ctx.text(name)] = node
        self._verdicts: dict[tuple, str | None] = {}

    def passing(self, callee: str, index: int, release: Release) -> str | None:
        """RELEASE, HAND or USE for the argument at `index` of a call to `callee`, or None
        when `callee` is not a function of this file."""
        func = self.functions.get(callee)
        if func is None or index < 0:
            return None
        key = (func.id, index, release)
        if key not in self._verdicts:
            self._verdicts[key] = self._verdict(func, index, release)
        return self._verdicts[key]

    def _verdict(self, func, index: int, release: Release) -> str | None:
        names = _parameter_names(func, self.ctx.text)
        if index >= len(names) or names[index] in ("_", None):
            return None if index >= len(names) else USE
        graph = self.ctx.graph(func)
        body = func.child_by_field_name("body")
        if graph is None or body is None:
            return None
        tracker = Tracker(self.ctx, graph, names[index], None, body, release, summaries=None)
        roles = [role for roles in tracker.roles.values() for role in roles]
        if RELEASE in roles:
            return RELEASE
        if HAND in roles:
            return HAND
        return USE


def _parameter_names(func, text) -> list:
    parameters = func.child_by_field_name("parameters")
    names: list = []
    if parameters is None:
        return names
    for declaration in parameters.named_children:
        if declaration.type == "variadic_parameter_declaration":
            return names + [None]  # a variadic tail: not followed
        if declaration.type != "parameter_declaration":
            continue
        declared = declaration.children_by_field_name("name")
        names.extend(text(n) for n in declared) if declared else names.append("_")
    return names
