"""What a detector sees: the parsed file, the Go version it targets, and a way to report."""

from __future__ import annotations

from dataclasses import dataclass, field

from goleakhelp.code.model import Finding
from goleakhelp.code.source import GoSource
from goleakhelp.code.syntax import calls, walk


@dataclass
class CodeContext:
    source: GoSource
    go_version: tuple[int, int] | None  # from go.mod or --go; None when unknown
    findings: list[Finding] = field(default_factory=list)
    _nodes: list | None = None
    _calls: list | None = None

    @property
    def nodes(self) -> list:
        """Every node of the file, in source order (walked once, shared by all detectors)."""
        if self._nodes is None:
            self._nodes = list(walk(self.source.root))
        return self._nodes

    @property
    def calls(self) -> list:
        """(call node, callee text) for every call in the file."""
        if self._calls is None:
            self._calls = list(calls(self.nodes, self.text))
        return self._calls

    def text(self, node) -> str:
        return self.source.node_text(node)

    def report(self, entry_id: str, node, message: str, confidence: str = "high", note: str = "") -> None:
        line = self.source.user_line(node)
        if line < 1:  # inside the wrapper added around a fragment
            line = 1
        row = node.start_point[0]
        code = self.source.text.split(b"\n")[row].decode("utf-8", "replace").strip() if row >= 0 else ""
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
