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

from goleakhelp.knowledge.analysis import has_cjk
from goleakhelp.knowledge.index import EN_FIELDS, ZH_FIELDS, IndexHandle, open_index
from goleakhelp.knowledge.synonyms import expand

MAX_QUERY_CHARS = 2000
# No KB word is this long; correcting a longer "word" (a pasted hash, a run of one letter)
# by edit distance costs seconds and can only find nonsense.
MAX_CORRECTED_WORD = 40
MAX_CORRECTIONS = 24  # unknown words looked up per query: a symptom has a handful
# A symptom is most often answered by a leak pattern; techniques (how to collect
# evidence) and not-a-leak entries still show, lower, when they match as well.
KIND_PRIOR = {"pattern": 1.0, "technique": 0.8, "not-a-leak": 0.7}
# A synonym the user did not type counts for less than the words they did.
SYNONYM_WEIGHT = 0.5
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


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts)


def _known(reader, word: str, en) -> bool:
    if ("spell", word) in reader:
        return True
    return any((f, t) in reader for t in _terms(en, word) for f in ("body", "symptoms", "title", "summary"))


def _suggest(searcher, reader, word: str) -> str | None:
    """The indexed word closest to `word`: one edit away first, then two (whoosh's corrector)."""
    near = sorted(c for c in _edits1(word) if ("spell", c) in reader)
    if near:
        return max(near, key=lambda c: reader.doc_frequency("spell", c))
    far = searcher.corrector("spell").suggest(word, limit=1, maxdist=2, prefix=1)
    return far[0] if far else None


def _correct(searcher, query: str, en) -> str | None:
    """The query with unknown words replaced by the closest indexed word, or None."""
    reader = searcher.reader()
    changed = False
    tries = 0

    def fix(match: re.Match) -> str:
        nonlocal changed, tries
        word = match.group().lower()
        if len(word) > MAX_CORRECTED_WORD or tries >= MAX_CORRECTIONS or _known(reader, word, en):
            return match.group()
        tries += 1
        suggestion = _suggest(searcher, reader, word)
        if suggestion is None:
            return match.group()
        changed = True
        return suggestion

    corrected = _WORD.sub(fix, query)
    return corrected if changed else None


def _best_match(query_terms: set[str], texts: Sequence[str], text_terms: Sequence[Sequence[str]]) -> tuple[int, str | None]:
    """The text sharing most analysed terms with the query (terms were analysed at index time)."""
    best, best_text = 0, None
    for text, terms in zip(texts, text_terms):
        overlap = len(query_terms.intersection(terms))
        if overlap > best:
            best, best_text = overlap, text
    return best, best_text


def _query_terms(searcher, text: str, chinese: bool) -> dict[str, list[str]]:
    """The query's terms for each searched field, analysed with that field's own analyzer."""
    schema = searcher.schema
    cache: dict[int, list[str]] = {}
    terms = {}
    fields = [*EN_FIELDS, *(ZH_FIELDS if chinese else ())]
    for name in fields:
        analyzer = schema[name].analyzer
        if id(analyzer) not in cache:
            cache[id(analyzer)] = _terms(analyzer, text)
        terms[name] = cache[id(analyzer)]
    return terms


def search(
    query: str,
    lang: str = "en",
    limit: int = 5,
    extra_dirs: Sequence[Path | str] = (),
    cache_dir: Path | None = None,
    handle: IndexHandle | None = None,
) -> SearchResult:
    """Rank KB entries for a symptom, error message or keywords; best first."""
    from whoosh.query import Or, Term

    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    handle = handle or open_index(extra_dirs, cache_dir)
    searcher = handle.searcher()
    reader = searcher.reader()
    en = searcher.schema["symptoms"].analyzer
    corrected = _correct(searcher, query, en)
    text = f"{query} {corrected}" if corrected else query
    chinese = has_cjk(text)
    field_terms = _query_terms(searcher, text, chinese)
    synonym_terms = _query_terms(searcher, expand(text), chinese)
    boosts = {**EN_FIELDS, **ZH_FIELDS}
    # Terms absent from a field cannot score there; leaving them out keeps the query small.
    clauses = [
        Term(name, term, boost=boosts[name])
        for name, terms in field_terms.items()
        for term in terms
        if (name, term) in reader
    ]
    clauses += [
        Term(name, term, boost=boosts[name] * SYNONYM_WEIGHT)
        for name, terms in synonym_terms.items()
        for term in terms
        if (name, term) in reader and term not in field_terms[name]
    ]
    if not clauses:
        return SearchResult(query, corrected, [])
    en_terms = set(field_terms["symptoms"])
    zh_terms = set(field_terms.get("symptoms_zh", ()))
    hits = []
    # The KB is small: score every match, then weigh it by its kind.
    ranked = sorted(
        ((r, float(r.score) * KIND_PRIOR.get(r["kind"], 1.0)) for r in searcher.search(Or(clauses), limit=None)),
        key=lambda pair: pair[1],
        reverse=True,
    )
    for r, score in ranked[:limit]:
        shown = r["shown"]
        n_en, matched = _best_match(en_terms, shown["symptoms"]["en"] + shown["errors"], shown["terms"]["en"])
        if zh_terms:
            n_zh, m_zh = _best_match(zh_terms, shown["symptoms"]["zh"], shown["terms"]["zh"])
            if n_zh >= n_en:
                matched = m_zh
        if lang == "zh" and matched in shown["symptoms"]["en"]:
            matched = shown["symptoms"]["zh"][shown["symptoms"]["en"].index(matched)]
        hits.append(
            SearchHit(
                id=r["id"],
                title=shown["title"][lang],
                summary=shown["summary"][lang],
                score=round(score, 3),
                matched=matched,
                kind=r["kind"],
                category=r["category"],
                severity=r["severity"],
            )
        )
    return SearchResult(query, corrected, hits)
