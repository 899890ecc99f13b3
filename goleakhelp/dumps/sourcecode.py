"""Find the blocked line of user code under a source folder (`--src DIR`).

Dump file paths are absolute build paths, module-relative paths (-trimpath) or
paths from another machine; a file is found by the longest matching path suffix.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_FILES = 200_000


class SourceTree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[tuple[str, int], tuple[str, str] | None] = {}
        self._by_name: dict[str, list[Path]] = {}
        count = 0
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
            for name in files:
                if name.endswith(".go"):
                    self._by_name.setdefault(name, []).append(Path(folder, name))
                    count += 1
                    if count >= MAX_FILES:
                        return

    def find(self, dump_path: str) -> Path | None:
        """The file under the root whose path shares the longest suffix with `dump_path`."""
        parts = dump_path.replace("\\", "/").split("/")
        candidates = self._by_name.get(parts[-1], [])
        best, best_len = None, 0
        for candidate in candidates:
            cparts = candidate.relative_to(self.root).parts
            n = 0
            while n < min(len(parts), len(cparts)) and parts[-1 - n] == cparts[-1 - n]:
                n += 1
            if n > best_len:
                best, best_len = candidate, n
        return best

    def line(self, dump_path: str, number: int) -> tuple[str, str] | None:
        """(path relative to the root, text of the line) or None."""
        key = (dump_path, number)
        if key not in self._lines:
            self._lines[key] = self._read_line(dump_path, number)
        return self._lines[key]

    def function_source(self, dump_path: str, number: int, limit: int = 400) -> str | None:
        """The source of the top-level function holding line `number`: from its `func` line
        to the closing brace at the start of a line (at most `limit` lines each way)."""
        path = self.find(dump_path)
        if path is None or number < 1:
            return None
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            return None
        if number > len(lines):
            return None
        start = number - 1
        while start > 0 and number - start < limit and not lines[start].startswith("func "):
            start -= 1
        end = number - 1
        while end < len(lines) - 1 and end - number < limit and not lines[end].startswith("}"):
            end += 1
        return "\n".join(lines[start : end + 1])

    def _read_line(self, dump_path: str, number: int) -> tuple[str, str] | None:
        path = self.find(dump_path)
        if path is None or number < 1:
            return None
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                for i, text in enumerate(f, 1):
                    if i == number:
                        return str(path.relative_to(self.root)), text.rstrip("\n")
        except OSError:
            return None
        return None
