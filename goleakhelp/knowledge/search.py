"""Search the knowledge base by symptom, error message or keyword.

Queries are analysed with the same analyzers as the indexed fields and turned
into a weighted OR of terms (no query syntax, so pasted error messages with
colons, quotes or parentheses are safe). Words the index has never seen are
checked against a plain-word vocabulary and corrected ("did you mean").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from goleakhelp.knowledge.analysis import CHINESE_ANALYZERS, english_analyzer, has_cjk
from goleakhelp.knowledge.index import EN_FIELDS, ZH_FIELDS, IndexHandle, open_index

MAX_QUERY_CHARS = 2000
_WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    summary: str
    score: float
    matched: str | None  # the symptom or error message that best matches the query
    kind: str
    category: str
    severity: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    corrected: str | None  # the query with misspelled words corrected, when any were
    hits: list[SearchHit] = field(default_factory=list)


def _terms(analyzer, text: str) -> list[str]:
    seen: list[str] = []
    for token in analyzer(text):
        if token.text not in seen:
            seen.append(token.text)
    return seen


def _correct(searcher, query: str) -> str | None:
    """The query with unknown words replaced by the closest indexed word, or None."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        if (("spell", word.lower()) in reader) or any(
            ("body", t) in reader or ("symptoms", t) in reader for t in _terms(english_analyzer(), word)
        ):
            return word
        suggestions = corrector.suggest(word.lower(), limit=1, maxdist=2)
        if not suggestions:
            return word
        changed = True
        return suggestions[0]

    corrected = _WORD.sub(fix, query)
    return corrected if changed else None


def _best_match(query_terms: set[str], texts: Sequence[str], analyzer) -> tuple[int, str | None]:
    best, best_text = 0, None
    for text in texts:
        overlap = len(query_terms & set(_terms(analyzer, text)))
        if overlap > best:
            best, best_text = overlap, text
    return best, best_text


def search(
    query: str,
    lang: str = "en",
    limit: int = 5,
    extra_dirs: Sequence[Path | str] = (),
    cache_dir: Path | None = None,
    chinese: str = "bigram",
    handle: IndexHandle | None = None,
) -> SearchResult:
    from whoosh.query import Or, Term

    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    handle = handle or open_index(extra_dirs, cache_dir, chinese)
    en = english_analyzer()
    zh = CHINESE_ANALYZERS[chinese]()
    with handle.index.searcher() as searcher:
        corrected = _correct(searcher, query)
        text = f"{query} {corrected}" if corrected else query
        en_terms = _terms(en, text)
        zh_terms = _terms(zh, text) if has_cjk(text) else []
        clauses = [Term(f, t, boost=b) for f, b in EN_FIELDS.items() for t in en_terms]
        clauses += [Term(f, t, boost=b) for f, b in ZH_FIELDS.items() for t in zh_terms]
        if not clauses:
            return SearchResult(query, corrected, [])
        results = searcher.search(Or(clauses), limit=max(limit, 1))
        hits = []
        for r in results[:limit]:
            shown = r["shown"]
            if zh_terms:
                n_zh, m_zh = _best_match(set(zh_terms), shown["symptoms"]["zh"], zh)
                n_en, m_en = _best_match(set(en_terms), shown["symptoms"]["en"] + shown["errors"], en)
                matched = m_zh if n_zh >= n_en else m_en
            else:
                _, matched = _best_match(set(en_terms), shown["symptoms"][lang if lang == "en" else "en"] + shown["errors"], en)
                if matched and lang == "zh" and matched in shown["symptoms"]["en"]:
                    matched = shown["symptoms"]["zh"][shown["symptoms"]["en"].index(matched)]
            hits.append(
                SearchHit(
                    id=r["id"],
                    title=shown["title"][lang],
                    summary=shown["summary"][lang],
                    score=round(float(r.score), 3),
                    matched=matched,
                    kind=r["kind"],
                    category=r["category"],
                    severity=r["severity"],
                )
            )
    return SearchResult(query, corrected, hits)
