"""Queries nobody types (a pasted hash, hundreds of unknown words) stay quick to answer."""

from __future__ import annotations

import time

from goleakhelp.knowledge.index import open_index
from goleakhelp.knowledge.search import MAX_CORRECTIONS, search


def test_long_and_many_unknown_words_are_bounded(tmp_path):
    handle = open_index(cache_dir=tmp_path)
    for query in ("a" * 10000, " ".join(f"leakk{i}" for i in range(300))):
        start = time.perf_counter()
        search(query, "en", 5, handle=handle)
        assert time.perf_counter() - start < 5.0


def test_correction_still_works_for_a_few_misspellings(tmp_path):
    handle = open_index(cache_dir=tmp_path)
    result = search("respnse bodey not closd", "en", 3, handle=handle)
    assert result.corrected and "response" in result.corrected
    many = " ".join(["respnse"] * (MAX_CORRECTIONS + 5))
    assert search(many, "en", 3, handle=handle).corrected.count("response") == MAX_CORRECTIONS
