"""One entry point for anything pasted: detect what it is and run the analysis that fits.

Returns plain values (the detection and the underlying report); callers render them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from goleakhelp.assistant.detect import CODE, DUMP, ERROR, HEAP, QUERY, Detection, detect
from goleakhelp.errors import UserError

# Text that is neither a dump, code nor a profile is searched for; past this size it is
# not a question anyone typed, and searching it would only be slow.
MAX_QUERY_INPUT = 64 * 1024
# Where each kind is sent.
ROUTES = {DUMP: "dump", CODE: "code", HEAP: "heap", ERROR: "search", QUERY: "search"}


@dataclass(frozen=True)
class Explanation:
    detection: Detection
    route: str  # "dump", "code", "heap" or "search"
    result: Any  # DumpReport, CodeReport, heap report or SearchResult
    lang: str


def explain_text(
    text: str,
    kb,
    lang: str | None = None,
    as_kind: str | None = None,
    go_version: tuple[int, int] | None = None,
    origin: str = "input",
    byte_size: int | None = None,
    index_handle=None,
    search_limit: int = 5,
    kb_dirs=(),
    default_lang: str = "en",
) -> Explanation:
    """Detect what `text` is and analyse it. `lang` None: Chinese for a question asked in
    Chinese, else `default_lang` (the user's locale).

    Raises UserError when the input cannot be used (too long to be a question, no dump found
    in text forced to be a dump, ...).
    """
    from goleakhelp.knowledge.analysis import has_cjk

    if not text.strip():
        raise UserError(f"{origin} is empty: nothing to explain")
    detection = detect(text, as_kind)
    route = ROUTES[detection.kind]
    if lang is None:
        lang = "zh" if route == "search" and has_cjk(detection.text) else default_lang
    if route == "dump":
        result = _dump(detection, kb, origin, byte_size)
    elif route == "code":
        result = analyze_blocks(detection, go_version)
    elif route == "heap":
        result = _heap(detection, kb, origin)
    else:
        if len(text) > MAX_QUERY_INPUT:
            raise UserError(
                f"{origin} has {len(text):,} characters but is not a goroutine dump, Go code or a heap profile; "
                "paste the error message or describe the symptom, or use --as dump|code"
            )
        if not detection.text.strip():
            raise UserError(f"{origin} has no words to search for")
        result = _search(detection.text, lang, search_limit, kb_dirs, index_handle)
    return Explanation(detection, route, result, lang)


def explain_profile(data: bytes, kb, lang: str | None = None, origin: str = "input", default_lang: str = "en") -> Explanation:
    """A protobuf profile (the bytes, gzip-compressed or not), read natively: a heap or allocs
    profile as `goleakhelp heap` reads it, a goroutine or goroutineleak profile as `dump` does."""
    from goleakhelp.profiles.pprof import GOROUTINE_KINDS, HEAP_KINDS, decode_profile

    profile = decode_profile(data, origin, labels=False)  # a goroutine profile is read again below, as `dump` reads it
    if profile.kind in HEAP_KINDS:
        from goleakhelp.profiles.heap import heap_from_pprof, match_heap

        report = match_heap(heap_from_pprof(profile, origin), kb.entries.values(), origin)
        return Explanation(Detection(HEAP, "", "what_heap_protobuf"), "heap", report, lang or default_lang)
    if profile.kind in GOROUTINE_KINDS:
        from goleakhelp.dumps.analyze import analyze_dump
        from goleakhelp.dumps.source import DumpSource
        from goleakhelp.inputs import gunzip, is_gzip

        raw = gunzip(data, origin) if is_gzip(data) else data
        report = analyze_dump(DumpSource.from_bytes(raw, origin), kb.entries.values(), origin=origin)
        return Explanation(Detection(DUMP, "", "what_protobuf_goroutines"), "dump", report, lang or default_lang)
    raise UserError(f"{origin} is {profile.description} (sample types: {', '.join(profile.sample_types)}); goleakhelp reads heap, allocs and goroutine profiles")


def _dump(detection: Detection, kb, origin: str, byte_size: int | None):
    from goleakhelp.dumps.analyze import analyze_dump

    from goleakhelp.dumps.source import DumpSource

    return analyze_dump(DumpSource.from_text(detection.text, origin), kb.entries.values())


def _heap(detection: Detection, kb, origin: str):
    from goleakhelp.profiles.heap import analyze_heap_text

    return analyze_heap_text(detection.text, kb.entries.values(), origin)


def _search(query: str, lang: str, limit: int, kb_dirs, index_handle):
    from goleakhelp.knowledge.index import open_index
    from goleakhelp.knowledge.search import search

    handle = index_handle if index_handle is not None else open_index(kb_dirs)
    return search(query, lang, limit, handle=handle)


def analyze_blocks(detection: Detection, go_version: tuple[int, int] | None):
    """Code analysis of each code block, with lines numbered as in the whole paste."""
    from goleakhelp.code.analyze import CodeReport, analyze_text

    report = CodeReport()
    for block in detection.blocks:
        findings, errors = analyze_text(block.text, "<paste>", go_version)
        shift = block.first_line - 1
        report.findings.extend(dataclasses.replace(f, line=f.line + shift) for f in findings)
        report.files = 1
        report.lines += len(block.text.splitlines())
        if errors:
            report.unparsed["<paste>"] = tuple(sorted({*report.unparsed.get("<paste>", ()), *(e + shift for e in errors)}))
    return report
