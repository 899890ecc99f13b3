"""Search speed: index build, in-process query latency, and a warm `goleakhelp search` command.

Prints figures; asserts nothing (machines here are shared and noisy). The warm
command is compared with `python -c pass` timed in the same run, so the
interpreter's own start-up can be told apart from goleakhelp's.

    python benchmarks/search_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
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

from goleakhelp.knowledge.loader import load_knowledge_base  # noqa: E402
from goleakhelp.knowledge.index import open_index  # noqa: E402
from goleakhelp.knowledge.quality import load_queries  # noqa: E402
from goleakhelp.knowledge.search import search  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _wall(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    kb = load_knowledge_base()
    load_s = time.perf_counter() - start
    print(f"KB: {len(kb.entries)} entries, load and validate {_ms(load_s)}")

    builds = []
    for _ in range(5):
        cache = Path(tempfile.mkdtemp(prefix="glh-bench-"))
        start = time.perf_counter()
        open_index(cache_dir=cache, kb=kb)
        builds.append(time.perf_counter() - start)
        shutil.rmtree(cache)
    print(f"index build (on disk, KB already loaded): median {_ms(statistics.median(builds))}, max {_ms(max(builds))}")

    cache = Path(tempfile.mkdtemp(prefix="glh-bench-"))
    handle = open_index(cache_dir=cache)
    queries = [q.query for q in load_queries(REPO / "tests" / "fixtures" / "search_queries.yaml")]
    search(queries[0], handle=handle)  # warm the analyzers
    latencies = []
    for _ in range(5):
        for q in queries:
            start = time.perf_counter()
            search(q, handle=handle)
            latencies.append(time.perf_counter() - start)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"query in process ({len(latencies)} queries): median {_ms(statistics.median(latencies))}, p95 {_ms(p95)}")

    # A warm command has its index built and its modules compiled to bytecode, as after
    # `pip install`; PYTHONDONTWRITEBYTECODE (set on some machines here) would hide that.
    env = dict(os.environ, GOLEAKHELP_CACHE_DIR=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = [sys.executable, "-m", "goleakhelp"]
    _wall([*exe, "search", "warm up"], 1, env)
    baseline = _wall([sys.executable, "-c", "pass"], args.runs, env)
    warm = _wall([*exe, "search", "goroutine count keeps growing"], args.runs, env)
    warm_json = _wall([*exe, "search", "too many open files", "--json"], args.runs, env)
    print(f"python -c pass:                     median {_ms(statistics.median(baseline))}")
    print(f"goleakhelp search (warm, terminal): median {_ms(statistics.median(warm))}")
    print(f"goleakhelp search (warm, --json):   median {_ms(statistics.median(warm_json))}")
    print(f"goleakhelp's own share (terminal):  {_ms(statistics.median(warm) - statistics.median(baseline))}")
    shutil.rmtree(cache)


if __name__ == "__main__":
    main()
