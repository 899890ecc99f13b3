"""The goleakhelp command line: parse options, call the core, hand the result to a renderer."""

from __future__ import annotations

import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from goleakhelp import __version__
from goleakhelp.errors import UserError

app = typer.Typer(
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
kb_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Check the knowledge base or start a new entry.")
app.add_typer(kb_app, name="kb")


class Lang(str, Enum):
    en = "en"
    zh = "zh"


class ShowFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"


class DumpFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"


class CodeFormat(str, Enum):
    terminal = "terminal"
    json = "json"
    sarif = "sarif"
    github = "github"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


class SheetFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"


LangOpt = Annotated[Optional[Lang], typer.Option("--lang", help="Language of the output: en or zh (default: from LANGUAGE, LC_ALL or LANG).")]
KbDirOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--kb-dir", help="Extra knowledge-base folder with your team's entries (repeatable; also GOLEAKHELP_KB_PATH)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for tools instead of text.")]


def _lang(lang: Lang | None) -> str:
    if lang is not None:
        return lang.value
    from goleakhelp.i18n import detect_lang

    return detect_lang()


def _console():
    from goleakhelp.render.console import safe_console

    return safe_console()


def _stderr(message: str) -> None:
    from goleakhelp.render.escape import printable

    typer.echo(printable(message), err=True)


def _echo(text: str, nl: bool = True) -> None:
    """Print text output (Markdown, annotations, reports) with user input made harmless;
    JSON renderers escape their own output."""
    from goleakhelp.render.escape import printable

    typer.echo(printable(text), nl=nl)


def _load(kb_dir: list[Path] | None):
    from goleakhelp.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(kb_dir or ())
    _warn_problems(kb.problems)
    return kb


def _warn_problems(problems) -> None:
    if problems:
        _stderr(f"goleakhelp: warning: {len(problems)} problem(s) in the knowledge base, invalid entries left out (see `goleakhelp kb check`)")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"goleakhelp {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Find and fix memory and goroutine leaks in Go services.

    With input piped in and no command, works out what the input is and explains it
    (see `goleakhelp explain`).

    \b
    Examples:
      goleakhelp chat
      pbpaste | goleakhelp
      goleakhelp search goroutine count keeps growing
      goleakhelp search too many open files --lang zh
      goleakhelp show http-body-unclosed
      goleakhelp dump goroutines.txt --src ./service
      goleakhelp code ./...
      goleakhelp cheatsheet --format html --output leaks.html
    """
    if ctx.invoked_subcommand is not None:
        return
    data = b"" if sys.stdin is None or sys.stdin.isatty() else _read_stdin()
    if not data.strip():  # a terminal, or nothing piped in: the user wants to know what this is
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    _explain(None, None, None, False, None, None, stdin=io.BytesIO(data))


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Symptom, error message or keywords.", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="Most results to show.")] = 5,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
    cache_dir: Annotated[
        Optional[Path], typer.Option("--cache-dir", help="Where the search index is kept (also GOLEAKHELP_CACHE_DIR).")
    ] = None,
) -> None:
    """Search the knowledge base by symptom, error message or keyword.

    \b
    Examples:
      goleakhelp search memory keeps growing after every request
      goleakhelp search "too many open files"
      goleakhelp search goroutine 数量一直增长
      goleakhelp search time.After loop --json --limit 3
    """
    from goleakhelp.knowledge.index import open_index
    from goleakhelp.knowledge.search import search as run_search

    from goleakhelp.knowledge.analysis import has_cjk

    text = " ".join(query).strip()
    if not text:
        raise UserError("give a symptom, error message or keyword to search for")
    # Without --lang, a question asked in Chinese is answered in Chinese.
    language = "zh" if lang is None and has_cjk(text) else _lang(lang)
    handle = open_index(kb_dir or (), cache_dir)
    result = run_search(text, language, limit, handle=handle)
    if as_json:
        from goleakhelp.render.json import search_json

        typer.echo(search_json(result))
    else:
        from goleakhelp.render.terminal import render_search

        render_search(result, language, _console())
    if not result.hits:
        raise typer.Exit(1)


@app.command()
def show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="Entry id, as printed by search or list.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = ShowFormat.terminal,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Show one knowledge-base entry in full.

    \b
    Examples:
      goleakhelp show time-after-loop
      goleakhelp show defer-in-loop --format markdown > defer-in-loop.md
      goleakhelp show ctx-lostcancel --json
    """
    from goleakhelp.i18n import label

    language = _lang(lang)
    kb = _load(kb_dir)
    entry = kb.get(entry_id.strip())
    if entry is None:
        message = label("unknown_id", language, id=entry_id)
        close = kb.closest_ids(entry_id.strip())
        if close:
            message += " " + label("closest", language, ids=", ".join(close))
        raise UserError(message, code=1)
    if as_json or fmt is ShowFormat.json:
        from goleakhelp.render.json import entry_json

        typer.echo(entry_json(entry))
        return
    from goleakhelp.render.document import entry_document

    doc = entry_document(entry, language)
    if fmt is ShowFormat.markdown:
        from goleakhelp.render.markdown import document_markdown

        _echo(document_markdown(doc), nl=False)
    else:
        from goleakhelp.render.terminal import render_document

        render_document(doc, _console())


@app.command("list")
def list_entries(
    category: Annotated[Optional[str], typer.Option("--category", "-c", help="Only this category (e.g. timer, http, memory).")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="Only this kind: pattern, technique or not-a-leak.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """List knowledge-base entries, optionally by category and kind.

    \b
    Examples:
      goleakhelp list
      goleakhelp list --category timer
      goleakhelp list --kind technique --json
    """
    from goleakhelp.knowledge.entry import CATEGORIES, KINDS

    if category is not None and category not in CATEGORIES:
        raise UserError(f"unknown category {category!r}; categories: {', '.join(CATEGORIES)}")
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    language = _lang(lang)
    kb = _load(kb_dir)
    entries = [
        e
        for group in kb.by_category().values()
        for e in group
        if (category is None or e.category == category) and (kind is None or e.kind == kind)
    ]
    if as_json:
        from goleakhelp.render.json import list_json

        typer.echo(list_json(entries, language))
    else:
        from goleakhelp.render.terminal import render_list

        render_list(entries, language, _console())


@app.command()
def cheatsheet(
    fmt: Annotated[SheetFormat, typer.Option("--format", "-f", help="Output format.")] = SheetFormat.terminal,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the terminal.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")] = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """One page of every leak pattern: symptom, cause and fix, plus how to collect evidence.

    \b
    Examples:
      goleakhelp cheatsheet
      goleakhelp cheatsheet --format markdown --output LEAKS.md
      goleakhelp cheatsheet --format html --lang zh -o leaks-zh.html
    """
    from goleakhelp.knowledge.cheatsheet import build_cheatsheet

    language = _lang(lang)
    if output is not None and output.is_dir():
        raise UserError(f"{output} is a folder; give a file name to write to")
    if output is not None and output.exists() and not force:  # before the work, not only after it
        raise UserError(f"{output} already exists; use --force to replace it")
    sheet = build_cheatsheet(_load(kb_dir), language)
    if fmt is SheetFormat.terminal:
        from goleakhelp.render.console import safe_console
        from goleakhelp.render.terminal import render_cheatsheet

        if output is None:
            render_cheatsheet(sheet, _console())
            return
        with open(os.devnull, "w") as sink:
            console = safe_console(record=True, file=sink, width=120)
            render_cheatsheet(sheet, console)
            text = console.export_text()
    elif fmt is SheetFormat.markdown:
        from goleakhelp.render.markdown import cheatsheet_markdown

        text = cheatsheet_markdown(sheet)
    elif fmt is SheetFormat.html:
        from goleakhelp.render.html import cheatsheet_html

        text = cheatsheet_html(sheet)
    else:
        from goleakhelp.render.json import cheatsheet_json

        text = cheatsheet_json(sheet) + "\n"
    if output is None:
        _echo(text, nl=False)
        return
    from goleakhelp.files import write_new

    write_new(output, text, force)
    _stderr(f"wrote {output}")


@app.command()
def dump(
    source: Annotated[
        Optional[str],
        typer.Argument(help="Dump file (plain or gzip), an http(s) pprof URL, or '-' / nothing for stdin.", show_default=False),
    ] = None,
    base: Annotated[Optional[str], typer.Option("--base", help="An earlier dump of the same process: report what grew.")] = None,
    src: Annotated[Optional[Path], typer.Option("--src", help="Source tree: read the blocked lines of user code.")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every group, not only the suspicious ones.")] = False,
    index: Annotated[Optional[int], typer.Option("--index", min=1, help="Which dump to analyse when the input holds several.")] = None,
    fmt: Annotated[DumpFormat, typer.Option("--format", "-f", help="Output format.")] = DumpFormat.terminal,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Explain a goroutine dump: which goroutines leak, why, and how to fix it.

    Reads pprof goroutine dumps (debug=2, debug=1), goroutineleak profiles, panics and
    fatal errors, SIGQUIT dumps, go test timeouts, runtime.Stack output, goleak failures
    and `go tool pprof -traces` output, also with log prefixes, CRLF or colour codes.
    Exit status: 0 nothing suspicious, 1 leaks suspected, 2 bad input.

    \b
    Examples:
      goleakhelp dump goroutines.txt
      curl -s localhost:6060/debug/pprof/goroutine?debug=2 | goleakhelp dump
      goleakhelp dump http://localhost:6060/debug/pprof/goroutineleak?debug=2
      goleakhelp dump --base before.txt after.txt --src ./service
      goleakhelp dump crash.log --json
    """
    from goleakhelp.dumps.analyze import analyze_dump
    from goleakhelp.dumps.source import open_source

    if src is not None and not src.is_dir():
        raise UserError(f"--src {src}: not a folder")
    language = _lang(lang)
    dump_source = open_source(source)
    kb = _load(kb_dir)
    if (heap_profile := _heap_profile_in(dump_source)) is not None:
        _stderr(f"goleakhelp: {dump_source.origin} is {heap_profile.description}, not goroutines: analysed as `goleakhelp heap` does")
        from goleakhelp.profiles.heap import heap_from_pprof, match_heap

        report = match_heap(heap_from_pprof(heap_profile, dump_source.origin), kb.entries.values(), dump_source.origin)
        _show_heap_report(report, kb, language, "json" if as_json else fmt.value)
        raise typer.Exit(1 if report.patterns else 0)
    base_source = open_source(base) if base is not None else None
    report = analyze_dump(dump_source, kb.entries.values(), index=index, base=base_source, base_origin=base, src=src)
    if as_json or fmt is DumpFormat.json:
        from goleakhelp.render.json import dump_report_json

        typer.echo(dump_report_json(report))
    else:
        from goleakhelp.render.dumpdoc import report_view

        view = report_view(report, kb.entries, language, show_all)
        if fmt is DumpFormat.markdown:
            from goleakhelp.render.markdown import dump_report_markdown

            _echo(dump_report_markdown(view, language), nl=False)
        else:
            from goleakhelp.render.terminal import render_dump_report

            render_dump_report(view, language, _console())
    raise typer.Exit(1 if report.suspicious else 0)


class HeapFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"


@app.command()
def heap(
    source: Annotated[
        Optional[str],
        typer.Argument(help="Heap or allocs profile: protobuf (gzip or not), heap?debug=1 text, a pprof URL, or '-' / nothing for stdin.", show_default=False),
    ] = None,
    base: Annotated[Optional[str], typer.Option("--base", help="An earlier heap profile of the same process: report what grew.")] = None,
    fmt: Annotated[HeapFormat, typer.Option("--format", "-f", help="Output format.")] = HeapFormat.terminal,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Explain a heap profile: which known leak patterns hold the memory, or, with --base, what grew.

    Reads what /debug/pprof/heap and /debug/pprof/allocs write (protobuf), their ?debug=1
    text, and `go tool pprof -raw` output; no Go toolchain is needed.
    Exit status: 0 nothing known holds memory (or, with --base, the heap is flat),
    1 known patterns hold memory (or the heap grew), 2 bad input.

    \b
    Examples:
      goleakhelp heap heap.pb.gz
      goleakhelp heap http://localhost:6060/debug/pprof/heap
      goleakhelp heap --base heap-09h00.pb.gz heap-10h00.pb.gz
      curl -s localhost:6060/debug/pprof/heap?debug=1 | goleakhelp heap --format markdown
    """
    from goleakhelp.profiles.pprof import collector_paused

    # A profile of many stacks is hundreds of thousands of objects without cycles: passes of
    # the garbage collector over them are wasted. Reference counting frees them when _heap
    # returns, before the collector runs again (re-enabled while they lived, it took 50-70 ms).
    with collector_paused():
        status = _heap(source, base, fmt, as_json, lang, kb_dir)
    raise typer.Exit(status)


def _heap(source: str | None, base: str | None, fmt: HeapFormat, as_json: bool, lang: str | None, kb_dir: list[Path] | None) -> int:
    """`goleakhelp heap`: its exit status."""
    from goleakhelp.dumps.source import read_input
    from goleakhelp.profiles.heap import match_heap, read_heap_profile

    language = _lang(lang)
    if source in (None, "-") and (sys.stdin is None or sys.stdin.isatty()):
        raise UserError("no heap profile given: pass a file or a pprof URL, or pipe one into stdin (see --help)")
    raw = read_input(source)
    profile = read_heap_profile(raw.data, raw.origin)
    kb = _load(kb_dir)
    if base is not None:
        from goleakhelp.profiles.heapdiff import diff_heap

        base_raw = read_input(base)
        diff = diff_heap(
            read_heap_profile(base_raw.data, base_raw.origin),
            profile,
            kb.entries.values(),
            base_raw.origin,
            raw.origin,
            elapsed_seconds=_file_age_difference(base, source),
        )
        if as_json or fmt is HeapFormat.json:
            from goleakhelp.render.json import heap_diff_json

            typer.echo(heap_diff_json(diff, kb.entries))
        else:
            from goleakhelp.render.heapdoc import heap_diff_view

            view = heap_diff_view(diff, kb.entries, language)
            if fmt is HeapFormat.markdown:
                from goleakhelp.render.markdown import heap_diff_markdown

                _echo(heap_diff_markdown(view, language), nl=False)
            else:
                from goleakhelp.render.terminal import render_heap_diff

                render_heap_diff(view, language, _console())
        return 0 if diff.flat or not diff.growing else 1
    report = match_heap(profile, kb.entries.values(), raw.origin)
    _show_heap_report(report, kb, language, "json" if as_json else fmt.value)
    return 1 if report.patterns else 0


def _show_heap_report(report, kb, language: str, fmt: str) -> None:
    """A heap report as `fmt`: terminal, markdown or json."""
    if fmt == "json":
        from goleakhelp.render.json import heap_report_json

        typer.echo(heap_report_json(report))
        return
    from goleakhelp.render.heapdoc import heap_view

    view = heap_view(report, kb.entries, language)
    if fmt == "markdown":
        from goleakhelp.render.markdown import heap_report_markdown

        _echo(heap_report_markdown(view, language), nl=False)
    else:
        from goleakhelp.render.terminal import render_heap_report

        render_heap_report(view, language, _console())


def _heap_profile_in(source):
    """The decoded profile when a dump input is a protobuf heap or allocs profile, else None."""
    from goleakhelp.dumps.readers.protobuf import looks_like_profile, profile_bytes

    if not looks_like_profile(source.head):
        return None
    from goleakhelp.profiles.pprof import HEAP_KINDS, decode_profile

    try:
        profile = decode_profile(profile_bytes(source), source.origin, labels=False)
    except UserError:
        return None  # the dump readers say what is wrong with it
    return profile if profile.kind in HEAP_KINDS else None


def _file_age_difference(base: str, source: str | None) -> float | None:
    """Seconds between two local files' modification times (when a profile carries no time of its own)."""
    if not source or source == "-" or base == "-" or "://" in base or "://" in source:
        return None
    try:
        seconds = os.stat(source).st_mtime - os.stat(base).st_mtime
    except OSError:
        return None
    return seconds if seconds > 0 else None  # copied or checked out together: no real times


def _seconds(text: str | None, option: str) -> float | None:
    """A duration such as 90, 90s, 5m or 1h, in seconds."""
    import re

    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not m or float(m.group(1)) <= 0:
        raise UserError(f"{option} {text!r}: expected a duration such as 30s, 5m or 1h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


@app.command()
def watch(
    url: Annotated[
        Optional[str], typer.Argument(help="The service's address (http://HOST:PORT), or any of its /debug/pprof URLs.", show_default=False)
    ] = None,
    interval: Annotated[str, typer.Option("--interval", "-i", help="Time between polls: 10s, 1m, ...")] = "10s",
    duration: Annotated[Optional[str], typer.Option("--duration", "-d", help="Stop after this long (default: at Ctrl-C).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every sample as one JSON object per line, then the summary.")] = False,
    replay: Annotated[Optional[Path], typer.Option("--replay", help="Show a watch recorded with --json again.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write a self-contained HTML report with a chart per growing item.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --report file.")] = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Watch a live service: what keeps growing (goroutine groups, heap places) and why.

    Polls /debug/pprof/goroutine?debug=2, /debug/pprof/heap and /debug/vars (where
    published) every --interval, groups the goroutines as `goleakhelp dump` does, and shows
    the groups and heap places that grow, with their rate and a trend line. Ctrl-C or
    --duration ends it with a summary: what grew steadily, the KB entries for it, and the
    commands to dig in. Exit status: 0 nothing grew steadily, 1 something did, 2 bad input.

    \b
    Examples:
      goleakhelp watch http://localhost:6060
      goleakhelp watch localhost:6060 --interval 30s --duration 10m
      goleakhelp watch http://localhost:6060 --json > watch.jsonl
      goleakhelp watch --replay watch.jsonl --report watch.html
    """
    from goleakhelp.render.json import watch_sample_json, watch_summary_json
    from goleakhelp.render.watch import live_view, render_watch_summary
    from goleakhelp.watch.trend import summarize, trends

    language = _lang(lang)
    kb = _load(kb_dir)
    console = _console()
    if report is not None and report.exists() and not force:  # before the watch, not after it
        raise UserError(f"{report} already exists; use --force to replace it")
    if replay is not None:
        from goleakhelp.watch.record import MAX_RECORD_BYTES, read_record

        if url is not None:
            raise UserError("give either a URL to watch or --replay FILE, not both")
        from goleakhelp.inputs import read_file

        raw, _ = read_file(str(replay), MAX_RECORD_BYTES, "recorded watch")
        root, samples = read_record(raw.decode("utf-8", "replace"), str(replay))
    else:
        from goleakhelp.watch.poll import poll
        from goleakhelp.watch.sample import service_root

        if url is None:
            raise UserError("give the service's address to watch (http://HOST:PORT), or --replay FILE")
        root = service_root(url if "://" in url else "http://" + url)
        every = _seconds(interval, "--interval")
        if every < 0.2:
            raise UserError("--interval: poll at most five times a second")
        samples = []
        stream = poll(root, kb.entries.values(), every, _seconds(duration, "--duration"))
        try:
            if as_json:
                for sample in stream:
                    samples.append(sample)
                    typer.echo(watch_sample_json(root, sample))
            else:
                from rich.live import Live

                with Live(console=console, refresh_per_second=2, auto_refresh=False) as live:
                    for sample in stream:
                        samples.append(sample)
                        live.update(live_view(root, samples, trends(samples), language, console.width), refresh=True)
        except KeyboardInterrupt:
            pass  # Ctrl-C ends the watch; the summary follows
        if not samples:
            raise UserError(f"{root}: stopped before the first sample")
    summary = summarize(root, samples)
    if as_json:
        typer.echo(watch_summary_json(summary))
    else:
        if replay is not None:
            console.print(live_view(root, samples, trends(samples), language, console.width))
        render_watch_summary(summary, kb.entries, language, console)
    if report is not None:
        from goleakhelp.files import write_new
        from goleakhelp.i18n import label
        from goleakhelp.render.watch_html import watch_report_html

        write_new(report, watch_report_html(root, samples, summary, kb.entries, language), force)
        _stderr(label("watch_wrote_report", language, path=report))
    raise typer.Exit(1 if summary.growing else 0)


@app.command()
def code(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(help="Go files or folders (recursive), or '-' / nothing to read a pasted fragment from stdin.", show_default=False),
    ] = None,
    go: Annotated[Optional[str], typer.Option("--go", help="Go version the code targets (default: the nearest go.mod).")] = None,
    include_all: Annotated[bool, typer.Option("--include-all", help="Also scan vendor/, testdata/ and generated files.")] = False,
    fail_on: Annotated[Severity, typer.Option("--fail-on", help="Exit 1 when a finding has at least this severity.")] = Severity.low,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes to use; 0 means one per core.")] = 1,
    fmt: Annotated[CodeFormat, typer.Option("--format", "-f", help="Output format.")] = CodeFormat.terminal,
    max_per_rule: Annotated[
        Optional[int],
        typer.Option("--max-per-rule", min=0, help="Terminal: findings of one rule shown before the rest are only counted (default 50); 0 shows all.", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Find goroutine and memory leak patterns in Go source, and explain each finding.

    Exit status: 0 no findings, 1 findings at or above --fail-on, 2 bad input.
    Silence a finding with a `//goleakhelp:ignore ID reason` comment on or above its line.

    \b
    Examples:
      goleakhelp code ./...
      goleakhelp code ./service --go 1.22 --format sarif > leaks.sarif
      goleakhelp code --jobs 0 ./...
      pbpaste | goleakhelp code
    """
    import sys

    from goleakhelp.code.analyze import MAX_FILE_BYTES, analyze_paths, analyze_stdin, parse_version

    language = _lang(lang)
    version = parse_version(go) if go else None
    targets = [p[:-4] if p.endswith("/...") else p for p in (paths or [])]
    if not targets or targets == ["-"]:
        if sys.stdin is None or sys.stdin.isatty():
            raise UserError("no Go code given: pass files or folders, or pipe a fragment into stdin (see --help)")
        report = analyze_stdin(sys.stdin.buffer.read(MAX_FILE_BYTES + 1), version)
    else:
        workers = jobs or os.cpu_count() or 1
        report = analyze_paths(targets or ["."], version, include_all, workers)
        if report.files == 0:
            raise UserError("no Go files found in " + ", ".join(targets))
    kb = _load(kb_dir)
    if as_json or fmt is CodeFormat.json:
        from goleakhelp.render.json import code_findings_json

        typer.echo(code_findings_json(report, kb.entries))
        for limit in report.limits:  # the JSON stays a list of findings; what was left out goes to stderr
            typer.echo(f"goleakhelp: {limit.file}:{limit.line}: {limit.reason}", err=True)
    elif fmt is CodeFormat.sarif:
        from goleakhelp.render.sarif import code_findings_sarif

        typer.echo(code_findings_sarif(report, kb.entries))
    elif fmt is CodeFormat.github:
        from goleakhelp.render.github import code_findings_github

        _echo(code_findings_github(report, kb.entries), nl=False)
    else:
        from goleakhelp.render.terminal import render_code_report

        options = {} if max_per_rule is None else {"max_per_rule": max_per_rule}
        render_code_report(report, kb.entries, language, _console(), **options)
    order = ["info", "low", "medium", "high"]
    threshold = order.index(fail_on.value)
    failing = [f for f in report.findings if order.index(kb.entries[f.id].severity if f.id in kb.entries else "medium") >= threshold]
    raise typer.Exit(1 if failing else 0)


class AsKind(str, Enum):
    dump = "dump"
    code = "code"
    query = "query"


def _read_stdin() -> bytes:
    from goleakhelp.dumps.source import MAX_INPUT_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    return stream.read(MAX_INPUT_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")


def _read_for_explain(source: str | None, stdin=None):
    """(text, origin, byte size, protobuf profile bytes) of what to explain: a protobuf
    profile is handed on as bytes, everything else as text."""
    from goleakhelp.dumps.source import decode, looks_binary, read_input

    raw = read_input(source, stdin)
    if looks_binary(raw.data):
        from goleakhelp.profiles.pprof import is_protobuf_profile

        if is_protobuf_profile(raw.data):
            return "", raw.origin, len(raw.data), raw.data
    return decode(raw), raw.origin, len(raw.data), None


def _explain(
    source: str | None, as_kind: AsKind | None, go: str | None, as_json: bool, lang: Lang | None, kb_dir: list[Path] | None, stdin=None
) -> None:
    from goleakhelp.assistant.explain import explain_profile, explain_text
    from goleakhelp.code.analyze import parse_version

    version = parse_version(go) if go else None
    if source in (None, "-") and stdin is None and (sys.stdin is None or sys.stdin.isatty()):
        raise UserError("nothing to explain: pass a file or URL, or pipe a dump, Go code, a profile or a question into stdin")
    text, origin, size, profile = _read_for_explain(source, stdin)
    kb = _load(kb_dir)
    language = lang.value if lang else None
    if profile is not None:
        explanation = explain_profile(profile, kb, language, origin, default_lang=_lang(None))
    else:
        explanation = explain_text(text, kb, language, as_kind.value if as_kind else None, version, origin, size, kb_dirs=kb_dir or (), default_lang=_lang(None))
    if as_json:
        from goleakhelp.render.json import explanation_json

        typer.echo(explanation_json(explanation, kb.entries))
    else:
        from goleakhelp.render.assistant import render_detected, render_explanation

        console = _console()
        render_detected(explanation, console)
        render_explanation(explanation, kb, console)
    raise typer.Exit(_explain_status(explanation))


def _explain_status(explanation) -> int:
    """The underlying command's exit status: 1 for suspicious groups, findings, or no search hits."""
    result = explanation.result
    if explanation.route == "dump":
        return 1 if result.suspicious else 0
    if explanation.route == "code":
        return 1 if result.findings else 0
    if explanation.route == "search":
        return 0 if result.hits else 1
    return 1 if result.patterns else 0  # heap: known patterns hold memory


@app.command()
def explain(
    source: Annotated[
        Optional[str],
        typer.Argument(help="A file (plain or gzip), an http(s) URL, or '-' / nothing for stdin.", show_default=False),
    ] = None,
    as_kind: Annotated[Optional[AsKind], typer.Option("--as", help="Skip the guess: treat the input as a dump, Go code or a search query.")] = None,
    go: Annotated[Optional[str], typer.Option("--go", help="Go version the code targets, for pasted code.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Explain anything pasted: a goroutine dump, Go code, a heap profile, an error or a question.

    Says in one line what it detected, then answers as `dump`, `code` or `search` would.
    A log with a dump inside, or code with prose around it (as pasted from an issue), works.
    Plain `goleakhelp` with input piped in does the same.
    Exit status: 0 nothing found to worry about, 1 leaks or findings (or no search hits), 2 bad input.

    \b
    Examples:
      goleakhelp explain goroutines.txt
      pbpaste | goleakhelp explain
      goleakhelp explain - --as code < handler.go
      echo "accept4: too many open files" | goleakhelp
      curl -s localhost:6060/debug/pprof/heap?debug=1 | goleakhelp explain --json
    """
    _explain(source, as_kind, go, as_json, lang, kb_dir)


@app.command()
def chat(
    go: Annotated[Optional[str], typer.Option("--go", help="Go version pasted code targets.")] = None,
    lang: LangOpt = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Talk to the assistant: ask questions, describe symptoms, paste dumps or code.

    On a terminal: line editing, history (kept in the user data folder) and pasting of
    whole dumps as one message; /help lists the commands. With input piped in, each line
    is a message (a block between two lines of three quotes is one), and the session ends
    at the end of the input.

    \b
    Examples:
      goleakhelp chat
      goleakhelp chat --lang zh
      printf 'why does time.After in a loop leak?\nfix\n' | goleakhelp chat
    """
    from goleakhelp.chat_loop import run_interactive, run_scripted
    from goleakhelp.assistant.session import Session
    from goleakhelp.code.analyze import parse_version
    from goleakhelp.render.assistant import chat_console

    version = parse_version(go) if go else None
    session = Session(_load(kb_dir), _lang(lang), version, tuple(kb_dir or ()), lang_fixed=lang is not None)
    console = chat_console()
    if sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty():
        raise typer.Exit(run_interactive(session, console))
    if sys.stdin is None:
        raise UserError("chat needs a terminal or input piped in")
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    raise typer.Exit(run_scripted(session, data.decode("utf-8", errors="replace"), console))


@kb_app.command("check")
def kb_check(
    kb_dir: KbDirOpt = None,
    compile_go: Annotated[bool, typer.Option("--compile", help="Also build every Go example with the Go toolchain.")] = False,
    lang: LangOpt = None,
) -> None:
    """Validate every entry: sections, languages, ids, related ids, signature patterns.

    \b
    Examples:
      goleakhelp kb check
      goleakhelp kb check --kb-dir ./team-kb --compile
    """
    from goleakhelp.i18n import label, problem_message
    from goleakhelp.knowledge.loader import load_knowledge_base

    language = _lang(lang)
    kb = load_knowledge_base(kb_dir or ())
    for p in kb.problems:
        where = f"{p.file}: {p.field}" if p.field else p.file
        _echo(f"{where}: {problem_message(p.message, language)}")
    bad = len(kb.problems)
    if compile_go:
        from goleakhelp.knowledge.gocompile import compile_examples

        for r in compile_examples(kb.entries.values()):
            if r.skipped:
                _echo(f"{r.entry_id}: code.{r.example}: {label('kb_not_compiled', language, reason=r.skipped)}")
            elif not r.ok:
                bad += 1
                _echo(f"{r.entry_id}: code.{r.example}: {label('kb_no_compile', language)}\n{r.output}")
    _echo(label("kb_summary", language, valid=len(kb.entries), files=len(kb.files), bad=bad))
    raise typer.Exit(1 if bad else 0)


@kb_app.command("new")
def kb_new(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="The new entry's id: lower-case words joined by '-'.")],
    folder: Annotated[
        Optional[Path], typer.Option("--dir", help="Folder to write into (default: ./kb if it exists, else the current folder).")
    ] = None,
    kb_dir: KbDirOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write the skeleton of a new entry, every section present and marked TODO.

    \b
    Examples:
      goleakhelp kb new ws-conn-unclosed
      goleakhelp kb new redis-pubsub-unclosed --dir ./team-kb
    """
    from goleakhelp.knowledge.loader import load_knowledge_base
    from goleakhelp.knowledge.scaffold import ScaffoldError, new_entry

    if folder is None:
        folder = Path("kb") if Path("kb").is_dir() else Path(".")
    kb = load_knowledge_base([*(kb_dir or ()), folder])
    try:
        path = new_entry(entry_id, folder, set(kb.entries))
    except ScaffoldError as exc:
        raise UserError(str(exc), code=1) from None
    from goleakhelp.i18n import label

    _echo(label("kb_wrote", _lang(lang), path=path, folder=folder))


def main() -> None:
    try:
        status = app(standalone_mode=False)
    except UserError as exc:
        _stderr(f"goleakhelp: {exc}")
        sys.exit(exc.code)
    except (KeyboardInterrupt, typer.Abort):
        _stderr("goleakhelp: interrupted")
        sys.exit(130)
    except _CommandLineError as exc:
        sys.exit(_usage_error(exc))
    except Exception as exc:  # a bug: one line, and the traceback on request
        if os.environ.get("GOLEAKHELP_DEBUG"):
            raise
        _stderr(
            f"goleakhelp: internal error: {type(exc).__name__}: {exc}. This is a bug in goleakhelp; "
            "please report it with the input that caused it (GOLEAKHELP_DEBUG=1 shows the traceback)"
        )
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)


try:  # typer >= 0.22 carries its own copy of click
    from typer import TyperException as _CommandLineError
except ImportError:  # pragma: no cover - older typer with click beside it
    from click import ClickException as _CommandLineError


def _usage_error(exc) -> int:
    """A wrong option or argument: one line naming the command's help, as for bad input."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # a command group given no command: its help
        exc.show()
        return 2
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    message = " ".join(exc.format_message().split())
    _stderr(f"goleakhelp: {message}{where}")
    code = getattr(exc, "exit_code", 2)
    return code if code in (1, 2) else 2
