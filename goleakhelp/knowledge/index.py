"""The whoosh search index over the knowledge base, cached in the user cache folder.

The index folder's name carries a fingerprint of the KB content, the index
schema, the analyzer and the package version, so any change to one of them
builds a fresh index on first use. A new index is built in a private temporary
folder and renamed into place, so two processes starting at once both succeed
(the loser of the rename opens the winner's index). When the cache folder cannot
be written, the index is built in memory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goleakhelp import __version__
from goleakhelp.knowledge.sources import fingerprint, kb_dirs, kb_files

INDEX_SCHEMA_VERSION = "9"
CACHE_DIR_ENV = "GOLEAKHELP_CACHE_DIR"
INDEX_PREFIX = "index-"

# Query-time boosts: symptoms, error messages and titles outweigh the body text.
# Error messages are indexed with the symptoms, the id's words with the keywords.
EN_FIELDS = {"symptoms": 4.0, "title": 3.0, "keywords": 2.5, "summary": 1.5, "body": 1.0}
ZH_FIELDS = {"symptoms_zh": 4.0, "title_zh": 3.0, "summary_zh": 1.5, "body_zh": 1.0}


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("goleakhelp", appauthor=False))


def _schema(chinese: str):
    from whoosh.fields import ID, STORED, TEXT, Schema

    from goleakhelp.knowledge.analysis import (
        CHINESE_ANALYZERS,
        chinese_unigram_analyzer,
        english_analyzer,
        plain_analyzer,
    )

    en = english_analyzer()
    zh = CHINESE_ANALYZERS[chinese]()

    def text(analyzer, **options):
        # No phrase queries are made, so term positions are not stored.
        return TEXT(analyzer=analyzer, phrase=False, **options)

    return Schema(
        id=ID(stored=True, unique=True),
        title=text(en),
        symptoms=text(en),
        keywords=text(en),
        summary=text(en),
        body=text(en),
        title_zh=text(zh),
        symptoms_zh=text(zh),
        summary_zh=text(zh),
        body_zh=text(chinese_unigram_analyzer()),
        spell=text(plain_analyzer(), spelling=True),
        kind=STORED,
        category=STORED,
        severity=STORED,
        shown=STORED,  # title, summary, symptoms and errors per language, for display
    )


def _analysed(analyzer, texts) -> list[list[str]]:
    return [sorted({t.text for t in analyzer(text)}) for text in texts]


def _documents(kb, chinese: str):
    from goleakhelp.knowledge.analysis import CHINESE_ANALYZERS, english_analyzer

    en, zh = english_analyzer(), CHINESE_ANALYZERS[chinese]()
    for e in kb.entries.values():
        extra_en = [e.why.en, *e.fix.en, *e.pitfalls.en, e.dump_note.en, e.heap_note.en]
        extra_zh = [e.why.zh, *e.fix.zh, *e.pitfalls.zh, e.dump_note.zh, e.heap_note.zh]
        extra_en += [n.note.en for n in e.go_versions]
        extra_zh += [n.note.zh for n in e.go_versions]
        yield dict(
            id=e.id,
            title=e.title.en,
            symptoms="\n".join([*e.symptoms.en, *e.errors]),
            keywords=" ".join([e.id.replace("-", " "), *e.keywords, *(f"{l.tool} {l.rule}" for l in e.linters)]),
            summary=e.summary.en,
            body="\n".join(extra_en),
            title_zh=e.title.zh,
            symptoms_zh="\n".join(e.symptoms.zh),
            summary_zh=e.summary.zh,
            body_zh="\n".join(extra_zh),
            spell=" ".join([e.title.en, *e.symptoms.en, *e.errors, *e.keywords, e.summary.en, e.id.replace("-", " ")]),
            kind=e.kind,
            category=e.category,
            severity=e.severity,
            shown={
                "title": {"en": e.title.en, "zh": e.title.zh},
                "summary": {"en": e.summary.en, "zh": e.summary.zh},
                "symptoms": {"en": list(e.symptoms.en), "zh": list(e.symptoms.zh)},
                "errors": list(e.errors),
                # analysed terms of each symptom (then error), to name the one a query matched
                "terms": {"en": _analysed(en, [*e.symptoms.en, *e.errors]), "zh": _analysed(zh, e.symptoms.zh)},
            },
        )


def _fill(ix, kb, chinese: str) -> None:
    from whoosh.codec.whoosh3 import W3Codec

    # Each term's postings are a block of a few documents; compressing every block with
    # zlib took a fifth of the build time and saves next to nothing at this size.
    writer = ix.writer(codec=W3Codec(compression=0))
    for doc in _documents(kb, chinese):
        writer.add_document(**doc)
    writer.commit()


@dataclass
class IndexHandle:
    """An open index and where it lives (None for an in-memory index)."""

    index: object
    path: Path | None
    built: bool
    _searcher: object = None

    def searcher(self):
        """One searcher, kept open and reused by every query through this handle."""
        if self._searcher is None:
            self._searcher = self.index.searcher()
        return self._searcher


def index_key(files: Sequence[Path], chinese: str) -> str:
    h = hashlib.sha256()
    for part in (fingerprint(files), INDEX_SCHEMA_VERSION, __version__, chinese):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def open_index(
    extra_dirs: Sequence[Path | str] = (),
    cache_dir: Path | None = None,
    chinese: str = "bigram",
    kb=None,
) -> IndexHandle:
    """Open the cached index for the current KB, building it first when needed."""
    from whoosh import index as windex
    from whoosh.filedb.filestore import RamStorage

    files, _ = kb_files(kb_dirs(extra_dirs))
    key = index_key(files, chinese)
    cache = cache_dir or default_cache_dir()
    final = cache / f"{INDEX_PREFIX}{key}"
    if final.is_dir():
        try:
            handle = IndexHandle(windex.open_dir(str(final)), final, built=False)
            handle.searcher()  # reads the segment files: a damaged index fails here
            return handle
        except Exception:
            shutil.rmtree(final, ignore_errors=True)  # a damaged index is rebuilt below

    if kb is None:
        from goleakhelp.knowledge.loader import load_knowledge_base

        kb = load_knowledge_base(extra_dirs)
    schema = _schema(chinese)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    except OSError:
        ix = RamStorage().create_index(schema)
        _fill(ix, kb, chinese)
        return IndexHandle(ix, None, built=True)
    try:
        ix = windex.create_in(str(tmp), schema)
        _fill(ix, kb, chinese)
        ix.close()
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process renamed its index into place first: use that one.
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        ix = RamStorage().create_index(schema)
        _fill(ix, kb, chinese)
        return IndexHandle(ix, None, built=True)
    _remove_stale(cache, keep=final)
    return IndexHandle(windex.open_dir(str(final)), final, built=True)


STALE_AFTER_SECONDS = 3600


def _remove_stale(cache: Path, keep: Path) -> None:
    """Delete indexes of older KB versions and folders of killed builds, once no running
    process is likely to use them."""
    import time

    now = time.time()
    # A build that was killed leaves its private folder behind; it is never renamed.
    for old in [*cache.glob(f"{INDEX_PREFIX}*"), *cache.glob(".building-*")]:
        try:
            if old != keep and now - old.stat().st_mtime > STALE_AFTER_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
