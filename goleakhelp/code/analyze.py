"""Run the detectors over Go files, directories or a pasted fragment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from goleakhelp.code.context import CodeContext
from goleakhelp.code.model import Finding, Limit
from goleakhelp.code.source import TOP_LEVEL, GoSource, parse_go, reparse
from goleakhelp.errors import UserError

MAX_FILE_BYTES = 5 * 1024 * 1024
GENERATED = re.compile(r"^// Code generated .* DO NOT EDIT\.$", re.M)
SKIP_DIRS = {"vendor", "testdata", "node_modules"}
GO_DIRECTIVE = re.compile(r"^go\s+(\d+)\.(\d+)", re.M)
IGNORE = re.compile(r"//\s*goleakhelp:ignore\s+([\w-]+)")


@dataclass
class CodeReport:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    unparsed: dict[str, tuple[int, ...]] = field(default_factory=dict)  # file -> lines with syntax errors
    skipped: list[str] = field(default_factory=list)  # files left out, with the reason
    limits: list[Limit] = field(default_factory=list)  # code inside files left out, where and why

    def merge(self, other: CodeReport) -> None:
        self.findings.extend(other.findings)
        self.files += other.files
        self.lines += other.lines
        self.unparsed.update(other.unparsed)
        self.skipped.extend(other.skipped)
        self.limits.extend(other.limits)


def parse_version(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(?:go)?(\d+)\.(\d+)(?:\.\d+)?", text.strip())
    if not m:
        raise UserError(f"--go {text!r}: expected a Go version such as 1.22")
    return int(m.group(1)), int(m.group(2))


def go_mod_version(start: Path) -> tuple[int, int] | None:
    """The `go` directive of the nearest go.mod at or above `start`."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        mod = candidate / "go.mod"
        if mod.is_file():
            try:
                m = GO_DIRECTIVE.search(mod.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
            return (int(m.group(1)), int(m.group(2))) if m else None
    return None


def _suppressed(finding: Finding, lines: list[str], ignores: dict[int, set[str]]) -> bool:
    for number in (finding.line, finding.line - 1):
        if 1 <= number <= len(lines):
            if number not in ignores:  # searched once per line: a line may be very long and hold many findings
                ignores[number] = {m.group(1) for m in IGNORE.finditer(lines[number - 1])} if "goleakhelp:ignore" in lines[number - 1] else set()
            if finding.id in ignores[number] or "all" in ignores[number]:
                return True
    return False


def analyze_text(text: str, name: str, go_version: tuple[int, int] | None, only: Iterable[str] | None = None) -> tuple[list[Finding], tuple[int, ...]]:
    findings, errors, _, _ = _analyze(text, name, go_version, only)
    return findings, errors


# Syntax-tree depth beyond which a top-level declaration is left out: detectors walk up
# and down the tree, and in a tree thousands of levels deep that work grows with the
# square of the input. gofmt-formatted code seldom passes 60 levels.
MAX_TREE_DEPTH = 320
# Cheap signs that a file may be that deep, checked first: bracket nesting, long lines.
DEEP_BRACKETS = 48
LONG_LINE = 4096
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}()[]")
_UNCLOSED_RUN = re.compile(rb"[{(\[]{%d}" % DEEP_BRACKETS)


def _bracket_depth_above(text: bytes, limit: int) -> bool:
    """Brackets nest more than `limit` deep (each round strips the innermost pairs)."""
    kept = text.translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        shorter = kept.replace(b"{}", b"").replace(b"()", b"").replace(b"[]", b"")
        if not shorter or len(shorter) == len(kept):
            # What is left is unmatched: a long run of brackets opened and never closed
            # nests as deep as matched ones would.
            return _UNCLOSED_RUN.search(shorter) is not None
        kept = shorter
    return b"{}" in kept or b"()" in kept or b"[]" in kept


def _long_lines(text: bytes) -> bool:
    return len(text) > LONG_LINE and max(map(len, text.split(b"\n"))) > LONG_LINE


def bound_depth(source: GoSource) -> tuple[GoSource, list[Limit]]:
    """`source` with the top-level declarations deeper than MAX_TREE_DEPTH blanked out
    (their lines kept), and a Limit saying so for each."""
    if not (_bracket_depth_above(source.text, DEEP_BRACKETS) or _long_lines(source.text)):
        return source, []
    deep = []
    for declaration in source.root.children:
        cursor = declaration.walk()
        while True:
            if cursor.depth > MAX_TREE_DEPTH:
                deep.append(declaration)
                break
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent() or cursor.depth == 0:
                    break
            else:
                continue
            break
    if not deep:
        return source, []
    text = bytearray(source.text)
    limits = []
    for declaration in deep:
        body = declaration.child_by_field_name("body")
        start, end = (body.start_byte + 1, body.end_byte - 1) if body is not None else (declaration.start_byte, declaration.end_byte)
        text[start:end] = bytes(c if c == 0x0A else 0x20 for c in text[start:end])
        name = declaration.child_by_field_name("name")
        what = f"function `{source.node_text(name)}`" if name is not None and body is not None else "declaration"
        if source.line_offset and source.user_line(declaration) < 1:
            what = "the pasted code"
        limits.append(Limit(source.name, max(1, source.user_line(declaration)), f"{what} nested more than {MAX_TREE_DEPTH} syntax levels deep: not analysed"))
    return reparse(source, bytes(text)), limits


# Pieces of a file that tree-sitter could not place in any declaration (ERROR nodes and
# loose tokens at the top level) beyond which the file is not analysed: tree-sitter finds
# a node's parent by looking through its siblings, so in a file of hundreds of thousands
# of loose pieces every detector's walk up the tree is a pass over all of them. Real
# files, broken ones included, have a few (at most 35 over the Go standard library and its testdata).
MAX_STRAY_PIECES = 5000


def _stray_pieces(source: GoSource) -> int:
    root = source.root
    if not root.has_error:
        return 0
    return sum(1 for child in root.children if child.type not in TOP_LEVEL)


def _analyze(text: str, name: str, go_version: tuple[int, int] | None, only: Iterable[str] | None) -> tuple[list[Finding], tuple[int, ...], list[str], list[Limit]]:
    """Findings, lines with syntax errors, the text's lines, and what was left out."""
    from goleakhelp.code.detectors import DETECTORS

    source = parse_go(text, name)
    stray = _stray_pieces(source)
    if stray > MAX_STRAY_PIECES:
        limit = Limit(source.name, 1, f"does not parse as Go ({stray} pieces outside any declaration): not analysed")
        return [], source.error_lines, text.splitlines(), [limit]
    source, limits = bound_depth(source)
    ctx = CodeContext(source, go_version, limits=limits)
    # Detector.wanted (any trigger in the text) for all detectors, from one search per trigger group.
    present = _trigger_search(frozenset(t for d in DETECTORS.values() for t in d.triggers))(source.text)
    for entry_id, detector in DETECTORS.items():
        if (only is None or entry_id in only) and not present.isdisjoint(detector.triggers):
            detector.run(ctx)
    lines = text.splitlines()
    ignores: dict[int, set[str]] = {}
    findings = sorted((f for f in ctx.findings if not _suppressed(f, lines, ignores)), key=lambda f: (f.line, f.column, f.id))
    unique = list(dict.fromkeys(findings))
    return unique, source.error_lines, lines, ctx.limits


class _TriggerSearch:
    """Which of the triggers a text contains. Searching for each one is a pass over the text
    per trigger; instead, triggers that start with the same byte are found by one regex (`re`
    scans for their common prefix). A match hides the triggers that start inside it or at the
    same byte, so a hidden one is searched for directly when such a match was seen."""

    def __init__(self, triggers: frozenset[bytes]):
        groups: dict[bytes, list[bytes]] = {}
        for t in sorted(triggers):
            groups.setdefault(t[:1], []).append(t)
        self.alone = [members[0] for members in groups.values() if len(members) == 1]
        self.groups = []
        for members in (m for m in groups.values() if len(m) > 1):
            pattern = re.compile(b"|".join(re.escape(t) for t in sorted(members, key=len, reverse=True)))
            hidden_by = {t: frozenset(u for u in members if u != t and _can_hide(u, t)) for t in members}
            self.groups.append((pattern, members, hidden_by))

    def __call__(self, text: bytes) -> set[bytes]:
        present = {t for t in self.alone if t in text}
        for pattern, members, hidden_by in self.groups:
            seen = set(pattern.findall(text))
            present |= seen
            present.update(t for t in members if t not in seen and not hidden_by[t].isdisjoint(seen) and t in text)
        return present


def _can_hide(u: bytes, t: bytes) -> bool:
    """An occurrence of `u` can overlap one of `t` that starts inside it (or where it starts)."""
    return any(u[k : k + len(t)] == t[: len(u) - k] for k in range(len(u)))


@lru_cache(maxsize=4)
def _trigger_search(triggers: frozenset[bytes]) -> _TriggerSearch:
    return _TriggerSearch(triggers)


def _go_files(root: Path, include_all: bool, report: CodeReport) -> Iterable[Path]:
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(folder)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop
            dirs[:] = []
            report.skipped.append(f"{folder}: symlink loop, not entered again")
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if include_all or (d not in SKIP_DIRS and not d.startswith(".")))
        for name in sorted(files):
            if name.endswith(".go"):
                yield Path(folder, name)


def analyze_paths(
    paths: Iterable[str], go: tuple[int, int] | None, include_all: bool = False, jobs: int = 1
) -> CodeReport:
    """Analyse files and trees; `jobs` > 1 spreads the files over that many processes."""
    report = CodeReport()
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UserError(f"{raw}: no such file or folder")
        files.extend(_go_files(path, include_all, report) if path.is_dir() else [path])
    versions = [go] * len(files)
    if go is None:  # each file's go.mod, looked up once per folder
        by_folder: dict[Path, tuple[int, int] | None] = {}
        for i, file in enumerate(files):
            if file.parent not in by_folder:
                by_folder[file.parent] = go_mod_version(file)
            versions[i] = by_folder[file.parent]
    if jobs > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = pool.map(_analyze_file, files, versions, [include_all] * len(files), chunksize=16)
            for part in parts:
                report.merge(part)
    else:
        for file, version in zip(files, versions):
            report.merge(_analyze_file(file, version, include_all))
    report.findings.sort(key=lambda f: (f.file, f.line, f.column, f.id))
    return report


def _analyze_file(file: Path, go: tuple[int, int] | None, include_all: bool) -> CodeReport:
    """One file's part of the report (a separate value, so files can be analysed in other
    processes); `go` is the version for this file, from --go or its go.mod."""
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            return CodeReport(skipped=[f"{file}: larger than {MAX_FILE_BYTES:,} bytes"])
        data = file.read_bytes()
    except OSError as exc:
        return CodeReport(skipped=[f"{file}: cannot read ({exc.strerror or exc})"])
    return _analyze_bytes(data, str(file), go, include_all)


def analyze_stdin(data: bytes, go: tuple[int, int] | None) -> CodeReport:
    """A file or fragment piped in; bad input is an error rather than a skipped file."""
    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"stdin is larger than {MAX_FILE_BYTES:,} bytes")
    if not data.strip():
        raise UserError("stdin is empty")
    if b"\x00" in data:
        raise UserError("stdin is binary data, not Go code")
    return _analyze_bytes(data, "<stdin>", go, include_all=True)


def _analyze_bytes(data: bytes, name: str, go: tuple[int, int] | None, include_all: bool) -> CodeReport:
    part = CodeReport()
    if b"\x00" in data[:8192]:
        part.skipped.append(f"{name}: binary, not Go source")
        return part
    text = data.decode("utf-8", errors="replace")
    if not include_all and GENERATED.search(text[:4096]):
        part.skipped.append(f"{name}: generated code")
        return part
    part.findings, errors, lines, part.limits = _analyze(text, name, go, None)
    part.files = 1
    part.lines = len(lines)
    if errors:
        part.unparsed[name] = errors
    return part
