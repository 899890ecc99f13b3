"""Search: ranking quality on realistic queries, Chinese, misspellings, empty results."""

from __future__ import annotations

import pytest

from goleakhelp.knowledge.analysis import has_cjk
from goleakhelp.knowledge.quality import evaluate, load_queries
from goleakhelp.knowledge.search import search
from tests.conftest import FIXTURES

QUERIES = load_queries(FIXTURES / "search_queries.yaml")
CHINESE = [q for q in QUERIES if has_cjk(q.query)]
ENGLISH = [q for q in QUERIES if not has_cjk(q.query)]


@pytest.fixture
def handle(index_handle):
    return index_handle


def test_query_set_is_large_in_each_language():
    assert len(ENGLISH) >= 80 and len(CHINESE) >= 80
    assert all(q.expect for q in QUERIES)


def test_every_expected_id_exists(kb):
    unknown = sorted({i for q in QUERIES for i in q.expect} - set(kb.entries))
    assert unknown == []


@pytest.mark.parametrize("language, queries", [("en", ENGLISH), ("zh", CHINESE)])
def test_recall_at_3_and_mrr_in_each_language(handle, language, queries):
    report = evaluate(queries, handle)
    print(f"\n{language}: recall@3={report.recall_at_3:.3f} MRR={report.mrr:.3f} over {report.queries} queries")
    for miss in report.misses:
        print("  miss:", miss)
    assert report.recall_at_3 >= 0.95
    assert report.mrr >= 0.9


@pytest.mark.parametrize(
    "query, other, expected",
    [
        ("句柄泄露", "文件描述符泄漏", "file-unclosed"),
        ("协程一直阻塞在 chan send", "goroutine 一直阻塞在 chan send", "chan-send-orphan"),
        ("闭包捕获大对象", "closure captures a large object", "closure-retention"),
        ("fd leak", "file descriptor leak", "file-unclosed"),
    ],
)
def test_synonyms_find_the_same_entry(handle, query, other, expected):
    for text in (query, other):
        ids = [h.id for h in search(text, "zh" if has_cjk(text) else "en", limit=3, handle=handle).hits]
        assert expected in ids, (text, ids)


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


def test_chinese_synonyms_are_words_not_single_characters():
    # A single character (程, 锁) matches inside unrelated words (进程, 死锁) once a query is split into bigrams.
    from goleakhelp.knowledge.synonyms import SYNONYM_GROUPS

    single = [w for group in SYNONYM_GROUPS for w in group if has_cjk(w) and len(w.replace(" ", "")) < 2]
    assert single == []


def test_expansion_adds_the_other_words_of_a_group_only():
    from goleakhelp.knowledge.synonyms import expand

    assert set(expand("句柄泄露").split()) >= {"文件描述符", "fd", "泄漏", "leak"}
    assert "句柄" not in expand("句柄泄露")
    assert expand("qwxz") == ""
    assert "goroutine" not in expand("a goroutines count")  # whole words only
