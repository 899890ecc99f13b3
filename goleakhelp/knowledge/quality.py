"""Search quality on a labelled query set: recall@k and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.knowledge.analysis import has_cjk
from goleakhelp.knowledge.search import search


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class QualityReport:
    queries: int
    recall_at_3: float
    mrr: float
    misses: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (query, expected, got top 3)


def load_queries(path: Path) -> list[LabelledQuery]:
    import yaml

    return [LabelledQuery(q["query"], tuple(q["expect"])) for q in yaml.safe_load(path.read_text(encoding="utf-8"))]


def evaluate(queries: Sequence[LabelledQuery], handle) -> QualityReport:
    hits_at_3 = 0
    reciprocal = 0.0
    misses = []
    for q in queries:
        lang = "zh" if has_cjk(q.query) else "en"
        ids = [h.id for h in search(q.query, lang, limit=10, handle=handle).hits]
        rank = next((i for i, hit in enumerate(ids, 1) if hit in q.expect), None)
        if rank is not None:
            reciprocal += 1 / rank
        if rank is not None and rank <= 3:
            hits_at_3 += 1
        else:
            misses.append((q.query, q.expect, tuple(ids[:3])))
    n = len(queries)
    return QualityReport(n, hits_at_3 / n, reciprocal / n, tuple(misses))
