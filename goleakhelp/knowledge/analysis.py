"""Text analyzers for the search index: English with stemming, Chinese as character bigrams.

Chinese has no spaces between words. Two ways to index it were measured on the
search-quality query set (benchmarks/search_quality.py): jieba's dictionary
segmenter and overlapping character bigrams. Bigrams need no dictionary, add
no start-up cost and find words that are not in any dictionary (goroutine 泄漏,
句柄), so they are the default; jieba stays available for the comparison. The long
explanation texts are indexed by single characters (see chinese_unigram_analyzer).
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_OR_CJK_RUN = re.compile(rf"[{CJK}]+|[A-Za-z0-9]+")
_CJK_CHAR = re.compile(rf"[{CJK}]")


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


# Function words that carry no meaning in a symptom ("grows after every request") but
# collide with API names once those are split ("time.After"), on top of whoosh's list.
ENGLISH_STOP_WORDS = STOP_WORDS | frozenset(
    {"after", "before", "every", "each", "while", "still", "keep", "keeps", "even", "just", "also", "then", "than", "there", "their", "very"}
)


class DottedNameFilter(Filter):
    """Keep a dotted Go name (time.After, resp.Body.Close) whole, then its parts.

    The whole name lets a query for `time.After` prefer the entry about it; the parts
    let `body close` still find `resp.Body.Close`.
    """

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if "." not in text:
                yield token
                continue
            yield token
            for part in text.split("."):
                if part:
                    token.text = part
                    yield token


def english_analyzer():
    """Latin words (dotted names whole and split), lower-cased, stop words dropped, stemmed."""
    return (
        RegexTokenizer(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
        | DottedNameFilter()
        | LowercaseFilter()
        | StopFilter(stoplist=ENGLISH_STOP_WORDS)
        | StemFilter()
    )


def plain_analyzer():
    """Latin words, lower-cased, not stemmed: the vocabulary for spelling suggestions."""
    return RegexTokenizer(r"[A-Za-z]{3,}") | LowercaseFilter() | StopFilter()


class CJKBigramTokenizer(Tokenizer):
    """Latin words as words; each run of CJK characters as overlapping bigrams.

    A one-character run is kept as a unigram so that short queries (锁, 池) still match.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _WORD_OR_CJK_RUN.finditer(value):
            run = match.group()
            if _CJK_CHAR.match(run) and len(run) > 1:
                pieces = [(run[i : i + 2], match.start() + i) for i in range(len(run) - 1)]
            else:
                pieces = [(run, match.start())]
            for text, offset in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + offset
                    token.endchar = start_char + offset + len(text)
                pos += 1
                yield token


def chinese_bigram_analyzer():
    return CJKBigramTokenizer() | LowercaseFilter() | StemFilter()


def chinese_unigram_analyzer():
    """Latin words plus single CJK characters: the low-weight index of long Chinese explanations.

    Bigrams of the why/fix/pitfall texts were half of all index terms and doubled
    the build time without changing any ranking on the query set.
    """
    return RegexTokenizer(rf"[{CJK}]|[A-Za-z0-9]+") | LowercaseFilter() | StemFilter()


def chinese_jieba_analyzer():
    """jieba's own whoosh analyzer (needs the optional jieba package)."""
    from jieba.analyse import ChineseAnalyzer

    return ChineseAnalyzer()


class BigramAndJiebaTokenizer(Tokenizer):
    """Bigrams, plus jieba's words of three or more characters (its shorter words are bigrams already)."""

    def __call__(self, value, **kwargs):
        import jieba

        yield from CJKBigramTokenizer()(value, **kwargs)
        token = Token(**{k: kwargs[k] for k in ("positions", "chars", "removestops", "mode") if k in kwargs})
        for run in _WORD_OR_CJK_RUN.findall(value):
            if not _CJK_CHAR.match(run) or len(run) < 3:
                continue
            for word in jieba.cut_for_search(run):
                if len(word) >= 3:
                    token.text = word
                    token.boost = 1.0
                    token.stopped = False
                    yield token


def chinese_both_analyzer():
    """Both ways in one field: the measured alternative for readers of benchmarks/search_quality.py."""
    return BigramAndJiebaTokenizer() | LowercaseFilter() | StemFilter()


CHINESE_ANALYZERS = {"bigram": chinese_bigram_analyzer, "jieba": chinese_jieba_analyzer, "both": chinese_both_analyzer}
