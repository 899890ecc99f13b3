"""Work out what a user pasted: a goroutine dump, Go code, a heap profile, an error or log
excerpt, or a question. Returns plain values; nothing here analyses or prints.

The order of the checks matters: a dump embedded in a log is still a dump, code inside
prose (fenced or not) is still code, and only what is left is searched for as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kinds, in the words the one-line "detected" message uses.
DUMP, CODE, HEAP, ERROR, QUERY = "dump", "code", "heap-profile", "error", "query"
KINDS = (DUMP, CODE, HEAP, ERROR, QUERY)

CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Classification looks at no more than this much of any line: the patterns below are
# cheap on lines of ordinary length, and a pasted megabyte on one line must not make
# any of them slow. (Whole lines still go to the analysis.)
CLASSIFY_CHARS = 2000

HEAP_HEADER = re.compile(r"(?m)^(?:.*?\s)?heap profile: \d+: \d+ \[\d+: \d+\] @ ")

FENCE_LINE = re.compile(r"[ \t]*(```+|~~~+)[ \t]*([\w+-]*)")

# Lines only Go code has (at the start of a line, after indentation).
GO_STRONG = re.compile(
    r"^\s*(?:package \w+\s*$|import\s*(?:\(|\"|\w+ \")|func\b[\s(]{0,8}[\w.*()\s]{0,300}\(|go func\b|go [\w.]+\(|defer [\w.(]|"
    r"type \w+ (?:struct|interface)\b|(?:var|const) (?:\(|\w+ )|select \{|for (?:.+ )?\{$|if .+ \{$|"
    r"switch\b.*\{$|case .+:$|default:$|\}\s*else\b|return\b|\w[\w.]*(?:, \w+)* :?= .+|[\w.\[\]]+ <- .+|<-\s*\w+)"
)
# Lines Go code has that prose may also have (braces on their own, comments).
GO_WEAK = re.compile(r"^\s*(?:[})\]]+[),;]*\s*$|\}\)\(.*\)\s*$|//.*|/\*.*|\*/\s*$|\w[\w.]*\(.*\)\s*$)")

LOG_LINE = re.compile(
    r"(?i)^\s*(?:\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d|\d\d:\d\d:\d\d|[A-Z][a-z]{2} +\d+ \d\d:\d\d|\{\s*\"(?:level|time|ts|msg)\"|"
    r"(?:time|level|ts)=|\[?(?:ERROR|ERRO|WARN|WARNING|FATAL|PANIC|INFO|DEBUG)\]?[\s:])"
)
ERROR_WORDS = re.compile(
    r"(?i)\b(?:error|err=|panic:|fatal error|failed|failure|cannot|can't|unable|refused|timeout|timed out|exceeded|"
    r"too many open files|out of memory|oom|killed|deadlock|broken pipe|reset by peer|no such|i/o timeout|"
    r"EOF|dial tcp|accept4?|socket:|http2?:|x509:|context canceled)"
)
QUESTION = re.compile(
    r"(?i)\?\s*$|^\s*(?:why|how|what|when|where|which|who|is|are|does|do|can|could|should|will|would)\b|"
    r"[吗呢么？]|为什么|怎么|如何|怎样|什么|哪"
)


@dataclass(frozen=True)
class Block:
    """A part of the input to analyse as code, with the line it starts on in the input."""

    text: str
    first_line: int  # 1-based line of the input where the block's first line is


@dataclass(frozen=True)
class Detection:
    kind: str  # one of KINDS
    text: str  # what goes to the analysis (the whole input for dumps, a cleaned query for text)
    what: str  # what was seen, as a label key ("what_dump", "what_code", ...; see i18n)
    blocks: tuple[Block, ...] = ()  # for CODE: the code parts of the input
    forced: bool = False  # chosen by --as, not guessed
    lines: int = 0  # for CODE: how many lines of code

    def describe(self, lang: str) -> str:
        from goleakhelp.i18n import label

        return label(self.what, lang, lines=self.lines)


def strip_controls(text: str) -> str:
    """Terminal escape sequences and control characters out; newlines and tabs stay."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def looks_like_dump(text: str) -> bool:
    """Some registered dump form recognises the start of the text (goleakhelp.dumps.forms)."""
    from goleakhelp.dumps.forms import recognise

    return recognise(text[:65536].encode("utf-8", "surrogateescape")) is not None


def looks_like_heap_profile(text: str) -> bool:
    """heap?debug=1 text, or `go tool pprof -raw` output of a heap or allocs profile."""
    if HEAP_HEADER.search(text[:65536]) is not None:
        return True
    from goleakhelp.profiles.heap import heap_text_format

    return heap_text_format(text) is not None


def _fenced_blocks(text: str) -> list[Block]:
    """Markdown fenced blocks of Go (by their info string, or by their lines), read line by
    line: a fence closes at a line of the same fence characters, at least as many."""
    blocks = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE_LINE.match(lines[i][:CLASSIFY_CHARS])
        if opening is None:
            i += 1
            continue
        fence, language = opening.group(1), opening.group(2).lower()
        close = next((j for j in range(i + 1, len(lines)) if _closes(lines[j], fence)), None)
        if close is None:
            break  # an unclosed fence runs to the end, as in Markdown: no block to trust
        body = lines[i + 1 : close]
        if language in ("go", "golang") or (not language and _code_share(body) >= 0.6):
            blocks.append(Block("\n".join(body) + "\n" if body else "", i + 2))
        i = close + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip(" \t")
    return len(stripped) >= len(fence) and stripped == fence[0] * len(stripped)


def _is_strong(line: str) -> bool:
    return GO_STRONG.match(line[:CLASSIFY_CHARS]) is not None


def _is_code_line(line: str) -> bool:
    line = line[:CLASSIFY_CHARS]
    return bool(GO_STRONG.match(line) or GO_WEAK.match(line))


def _code_share(lines: list[str]) -> float:
    content = [line for line in lines if line.strip()]
    if not content:
        return 0.0
    return sum(1 for line in content if _is_code_line(line)) / len(content)


def _unfenced_blocks(text: str) -> list[Block]:
    """Runs of code lines in prose: a run starts at a strong Go line and holds while lines are
    code-like or inside open braces; short runs without a brace are not code."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not _is_strong(lines[i]):
            i += 1
            continue
        start, depth, end = i, 0, i
        j = i
        while j < len(lines):
            line = lines[j]
            stripped = line.strip()
            if depth <= 0 and j > start and stripped and not _is_code_line(line):
                break
            if stripped:
                depth += _brace_delta(line)
                end = j
            j += 1
        run = lines[start : end + 1]
        strong = sum(1 for line in run if _is_strong(line))
        if strong >= 2 or (strong >= 1 and "{" in "".join(run)):
            blocks.append(Block("\n".join(run) + "\n", start + 1))
        i = end + 1
    return blocks


def _brace_delta(line: str) -> int:
    code = re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\'(?:[^\'\\]|\\.)*\'|//.*', "", line[:CLASSIFY_CHARS])
    return code.count("{") - code.count("}")


def _parses_as_go(blocks: list[Block]) -> bool:
    """Most lines of the blocks parse as Go (a fragment is wrapped the way code analysis does)."""
    from goleakhelp.code.source import parse_go

    total = bad = 0
    for block in blocks:
        source = parse_go(block.text, "<paste>")
        total += sum(1 for line in block.text.splitlines() if line.strip())
        bad += len(source.error_lines)
    return total > 0 and bad <= 0.3 * total


def code_blocks(text: str) -> list[Block]:
    """The Go code in `text`: fenced blocks if any, else the whole text when it is mostly
    code, else the runs of code lines inside prose."""
    fenced = _fenced_blocks(text)
    if fenced:
        return fenced
    lines = text.split("\n")
    if _code_share(lines) >= 0.7 and any(_is_strong(line) for line in lines):
        # Mostly code: keep it whole (declarations stay together), without the prose before
        # the first Go line and after the last.
        first = next(n for n, line in enumerate(lines) if _is_strong(line))
        last = max(n for n, line in enumerate(lines) if line.strip() and _is_code_line(line))
        return [Block("\n".join(lines[first : last + 1]) + "\n", first + 1)]
    return _unfenced_blocks(text)


def _query_from_log(text: str, limit: int = 600) -> str:
    """The words of a log excerpt worth searching for: error lines, without timestamps,
    addresses and numbers."""
    lines = [line for line in text.split("\n") if line.strip()]
    chosen = [line for line in lines if ERROR_WORDS.search(line)] or lines
    words: list[str] = []
    for line in chosen[:8]:
        line = line[:CLASSIFY_CHARS]
        line = re.sub(r"\d{4}[-/]\d\d[-/]\d\d[T ]?|\d\d:\d\d:\d\d(?:[.,]\d+)?Z?|[+-]\d\d:?\d\d\b", " ", line)
        line = re.sub(r"\b0x[0-9a-fA-F]+\b|\b\d+(?:\.\d+){3}(?::\d+)?\b|\[::\]:\d+|:\d{2,5}\b|\b\d+\b", " ", line)
        line = re.sub(r"(?i)\b(?:level|time|ts|msg|caller)=|[{}\"\[\]=]", " ", line)
        words.extend(line.split())
    query = " ".join(words)
    return query[:limit].rsplit(" ", 1)[0] if len(query) > limit else query


def _clean_question(text: str, limit: int = 600) -> str:
    query = " ".join(text.split())
    return query[:limit].rsplit(" ", 1)[0] if len(query) > limit else query


def detect(text: str, as_kind: str | None = None) -> Detection:
    """What `text` is. `as_kind` ("dump", "code" or "query") overrides the guess."""
    text = strip_controls(text)
    if as_kind == DUMP:
        return Detection(DUMP, text, "what_forced_dump", forced=True)
    if as_kind == CODE:
        blocks = code_blocks(text) or [Block(text, 1)]
        return Detection(CODE, text, "what_forced_code", tuple(blocks), forced=True)
    if as_kind == QUERY:
        return Detection(QUERY, _clean_question(text), "what_forced_query", forced=True)
    if looks_like_heap_profile(text):
        return Detection(HEAP, text, "what_heap")
    if looks_like_dump(text):
        return Detection(DUMP, text, _dump_description(text))
    blocks = code_blocks(text)
    if blocks and _parses_as_go(blocks):
        lines = sum(len(b.text.splitlines()) for b in blocks)
        whole = len(blocks) == 1 and blocks[0].first_line == 1 and lines >= len(text.strip().splitlines())
        return Detection(CODE, text, "what_code" if whole else "what_code_inside", tuple(blocks), lines=lines)
    content = [line for line in text.split("\n") if line.strip()]
    log_lines = sum(1 for line in content if LOG_LINE.match(line[:CLASSIFY_CHARS]))
    error_lines = sum(1 for line in content if ERROR_WORDS.search(line[:CLASSIFY_CHARS]))
    if content and (log_lines >= max(1, len(content) // 3) or (error_lines and not QUESTION.search(text))):
        return Detection(ERROR, _query_from_log(text), "what_log" if len(content) > 1 else "what_error")
    return Detection(QUERY, _clean_question(text), "what_question" if QUESTION.search(text) else "what_symptom")


def _dump_description(text: str) -> str:
    from goleakhelp.dumps.forms import recognise

    head = text[:65536]
    form = recognise(head.encode("utf-8", "surrogateescape"))
    if form is not None and form.name == "debug1" and re.search(r"(?m)goroutineleak profile: total \d+", head):
        return "what_leak_profile"
    if form is not None and form.name == "text" and re.search(r"(?m)^(?:.*\s)?(?:panic: |fatal error: |SIGQUIT)", head):
        return "what_crash"
    return form.description if form is not None else "what_dump"
