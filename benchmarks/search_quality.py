"""Search quality and speed with two ways of indexing Chinese: character bigrams and jieba.

Runs the labelled query set (tests/fixtures/search_queries.yaml) against an index
built with each analyzer and prints recall@3 and MRR, for all queries and for
the Chinese ones alone, with build time and query latency. Needs the jieba package
for the second column (`pip install jieba`).

    python benchmarks/search_quality.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from goleakhelp.knowledge.loader import load_knowledge_base  # noqa: E402
from goleakhelp.knowledge.analysis import has_cjk  # noqa: E402
from goleakhelp.knowledge.index import open_index  # noqa: E402
from goleakhelp.knowledge.quality import evaluate, load_queries  # noqa: E402
from goleakhelp.knowledge.search import search  # noqa: E402


def main() -> None:
    kb = load_knowledge_base()
    queries = load_queries(REPO / "tests" / "fixtures" / "search_queries.yaml")
    chinese = [q for q in queries if has_cjk(q.query)]
    print(f"{len(queries)} queries ({len(chinese)} Chinese), {len(kb.entries)} entries")
    print(f"{'analyzer':8} {'recall@3':>9} {'MRR':>6} {'zh r@3':>7} {'zh MRR':>7} {'build':>9} {'zh query':>9}")
    for name in ("bigram", "jieba"):
        try:
            start = time.perf_counter()
            handle = open_index(cache_dir=Path(tempfile.mkdtemp()), chinese=name, kb=kb)
            build = time.perf_counter() - start
        except ImportError:
            print(f"{name:8} (not installed)")
            continue
        everything = evaluate(queries, handle)
        zh = evaluate(chinese, handle)
        times = []
        for q in chinese:
            start = time.perf_counter()
            search(q.query, "zh", handle=handle)
            times.append(time.perf_counter() - start)
        print(
            f"{name:8} {everything.recall_at_3:9.3f} {everything.mrr:6.3f} {zh.recall_at_3:7.3f} {zh.mrr:7.3f}"
            f" {build * 1000:7.0f}ms {statistics.median(times) * 1000:7.1f}ms"
        )
        for query, expected, got in zh.misses:
            print(f"    zh miss: {query!r} expected {list(expected)} got {list(got)}")


if __name__ == "__main__":
    main()
