"""Search quality and speed for each way of indexing Chinese, on the English and Chinese query sets apart.

Runs the labelled query set (tests/fixtures/search_queries.yaml) against an index
built with each Chinese analyzer and prints recall@3 and MRR for the English and
the Chinese queries separately, with build time and query latency, then the
misses of each. Analyzers whose package is missing (jieba: `pip install
'.[jieba]'`) are listed as not installed.

    python benchmarks/search_quality.py [--misses]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from goleakhelp.knowledge.analysis import CHINESE_ANALYZERS, has_cjk  # noqa: E402
from goleakhelp.knowledge.index import open_index  # noqa: E402
from goleakhelp.knowledge.loader import load_knowledge_base  # noqa: E402
from goleakhelp.knowledge.quality import evaluate, load_queries  # noqa: E402
from goleakhelp.knowledge.search import search  # noqa: E402


def main() -> None:
    show_misses = "--misses" in sys.argv
    kb = load_knowledge_base()
    queries = load_queries(REPO / "tests" / "fixtures" / "search_queries.yaml")
    chinese = [q for q in queries if has_cjk(q.query)]
    english = [q for q in queries if not has_cjk(q.query)]
    print(f"{len(english)} English and {len(chinese)} Chinese queries, {len(kb.entries)} entries")
    print(f"{'analyzer':12} {'en r@3':>7} {'en MRR':>7} {'zh r@3':>7} {'zh MRR':>7} {'build':>9} {'zh query':>9}")
    for name in CHINESE_ANALYZERS:
        try:
            start = time.perf_counter()
            handle = open_index(cache_dir=Path(tempfile.mkdtemp()), chinese=name, kb=kb)
            build = time.perf_counter() - start
        except ImportError:
            print(f"{name:12} (not installed)")
            continue
        en = evaluate(english, handle)
        zh = evaluate(chinese, handle)
        times = []
        for q in chinese:
            start = time.perf_counter()
            search(q.query, "zh", handle=handle)
            times.append(time.perf_counter() - start)
        print(
            f"{name:12} {en.recall_at_3:7.3f} {en.mrr:7.3f} {zh.recall_at_3:7.3f} {zh.mrr:7.3f}"
            f" {build * 1000:7.0f}ms {statistics.median(times) * 1000:7.1f}ms"
        )
        if show_misses:
            for lang, report in (("en", en), ("zh", zh)):
                for query, expected, got in report.misses:
                    print(f"    {lang} miss: {query!r} expected {list(expected)} got {list(got)}")


if __name__ == "__main__":
    main()
