"""Search: ranking quality on realistic queries, Chinese, misspellings, empty results."""

from __future__ import annotations

import pytest

from goleakhelp.knowledge.analysis import has_cjk
from goleakhelp.knowledge.index import open_index
from goleakhelp.knowledge.quality import evaluate, load_queries
from goleakhelp.knowledge.search import search
from tests.conftest import FIXTURES

QUERIES = load_queries(FIXTURES / "search_queries.yaml")


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    return open_index(cache_dir=tmp_path_factory.mktemp("index"))


def test_query_set_is_large_and_bilingual():
    assert len(QUERIES) >= 40
    assert sum(has_cjk(q.query) for q in QUERIES) >= 15


def test_recall_at_3_and_mrr(handle):
    report = evaluate(QUERIES, handle)
    print(f"\nrecall@3={report.recall_at_3:.3f} MRR={report.mrr:.3f} over {report.queries} queries")
    for miss in report.misses:
        print("  miss:", miss)
    assert report.recall_at_3 >= 0.9
    assert report.mrr >= 0.8


def test_chinese_queries_alone_reach_the_bar(handle):
    report = evaluate([q for q in QUERIES if has_cjk(q.query)], handle)
    assert report.recall_at_3 >= 0.9


def test_result_fields(handle):
    result = search("response body never closed", handle=handle, limit=3)
    assert len(result.hits) == 3
    top = result.hits[0]
    assert top.id == "http-body-unclosed"
    assert top.title and top.summary and top.score > 0
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    assert top.matched  # the symptom or error that matched


def test_matched_symptom_in_chinese(handle):
    top = search("响应体没有关闭", lang="zh", handle=handle).hits[0]
    assert top.id == "http-body-unclosed"
    assert top.matched and has_cjk(top.matched)
    assert has_cjk(top.title)


def test_english_query_with_chinese_output(handle):
    top = search("too many open files", lang="zh", handle=handle).hits[0]
    assert has_cjk(top.title) and has_cjk(top.summary)


def test_misspelled_words_are_corrected(handle):
    result = search("goroutien leek respnse bodey", handle=handle)
    assert result.corrected is not None
    assert "goroutine" in result.corrected and "body" in result.corrected
    assert result.hits[0].id == "http-body-unclosed"


def test_correct_words_are_not_corrected(handle):
    assert search("goroutine leak response body", handle=handle).corrected is None


def test_nonsense_finds_nothing(handle):
    result = search("qwxz zzkv", handle=handle)
    assert result.hits == []


def test_query_syntax_characters_are_plain_text(handle):
    for query in ['dial tcp 127.0.0.1:5432: connect: "refused" (AND OR NOT) *', "field:value ~2 ^3 [a TO b]", ")))((("]:
        search(query, handle=handle)  # must not raise


def test_error_message_finds_its_entry(handle):
    assert search("context deadline exceeded", handle=handle).hits
    ids = [h.id for h in search("fatal error: all goroutines are asleep - deadlock!", handle=handle, limit=3).hits]
    assert ids
