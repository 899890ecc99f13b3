"""A watch on the terminal: the live table of what grows, and the summary at the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from goleakhelp.i18n import label
from goleakhelp.knowledge.entry import Entry
from goleakhelp.profiles.heap import short_function
from goleakhelp.render.heapdoc import format_bytes
from goleakhelp.watch.sample import Sample
from goleakhelp.watch.trend import GOROUTINES, Trend, WatchSummary

BARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 12
TABLE_ROWS = 12
PATTERN_WIDTH = 16


def sparkline(values: Sequence[int], points: int = SPARK_POINTS) -> str:
    """The last `points` values as a row of block characters, lowest to highest."""
    tail = list(values)[-points:]
    if not tail:
        return ""
    low, high = min(tail), max(tail)
    if high == low:
        return BARS[0] * len(tail)
    return "".join(BARS[int((v - low) * (len(BARS) - 1) / (high - low))] for v in tail)


def _amount(t: Trend, value: float) -> str:
    return f"{value:,.0f}" if t.kind == GOROUTINES else format_bytes(int(value))


def _rate(t: Trend) -> str:
    sign = "+" if t.per_minute >= 0 else "-"
    return sign + _amount(t, abs(t.per_minute))


def _what(t: Trend) -> str:
    return short_function(t.label)


def live_view(root: str, samples: Sequence[Sample], trends: Sequence[Trend], lang: str, width: int = 80):
    """The table shown while watching: totals, the last failed poll, and the rows that grow,
    laid out for a terminal `width` columns wide."""
    last = samples[-1]
    head = Text.assemble(
        (label("watch_title", lang, root=root), "bold"),
        "  ",
        (label("watch_status", lang, n=len(samples), seconds=f"{last.time - samples[0].time:.0f}"), "dim"),
    )
    totals = []
    if last.goroutine_total is not None:
        totals.append(label("watch_goroutines_now", lang, n=f"{last.goroutine_total:,}"))
    if last.heap_inuse is not None:
        totals.append(label("watch_heap_now", lang, bytes=format_bytes(last.heap_inuse)))
    if last.memstats and "Sys" in last.memstats:
        totals.append(f"Sys {format_bytes(last.memstats['Sys'])}")
    parts = [head, Text("  ·  ".join(totals))]
    if last.errors:
        parts.append(Text(label("watch_poll_failed", lang, error=last.errors[-1]), style="yellow"))
    rising = [t for t in trends if t.per_minute > 0 and t.grew > 0][:TABLE_ROWS]
    if not rising:
        parts.append(Text(label("watch_nothing_grows", lang), style="green"))
        return Group(*parts)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    # The figures keep their width; the description and the pattern give way on a narrow terminal.
    figures = 8 + 9 + SPARK_POINTS + PATTERN_WIDTH + 4  # the other columns and the gaps between them
    table.add_column(label("watch_col_what", lang), overflow="ellipsis", no_wrap=True, max_width=max(20, width - figures))
    table.add_column(label("watch_col_now", lang), justify="right", no_wrap=True, width=8)
    table.add_column(label("watch_col_rate", lang), justify="right", no_wrap=True, width=9)
    table.add_column(label("watch_col_trend", lang), no_wrap=True, width=SPARK_POINTS)
    table.add_column(label("watch_col_pattern", lang), no_wrap=True, overflow="ellipsis", max_width=PATTERN_WIDTH)
    for t in rising:
        kind = label("watch_mark_" + t.kind, lang)
        table.add_row(
            Text(f"{kind} {_what(t)}", style="bold" if t.steady else ""),
            _amount(t, t.now),
            Text(_rate(t), style="red" if t.steady else "yellow"),
            Text(sparkline(t.values), style="cyan"),
            Text(t.pattern or "-", style="cyan" if t.pattern else "dim"),
        )
    parts += [table, Text(label("watch_legend", lang), style="dim")]
    return Group(*parts)


def render_watch_summary(summary: WatchSummary, entries: Mapping[str, Entry], lang: str, console) -> None:
    console.print()
    console.print(
        Text(label("watch_summary", lang, samples=summary.samples, seconds=f"{summary.seconds:.0f}", root=summary.root), style="bold")
    )
    if summary.failed_polls:
        console.print(Text(label("watch_failed_polls", lang, n=summary.failed_polls), style="yellow"))
    if summary.goroutine_totals:
        g = summary.goroutine_totals
        console.print(Text(label("watch_goroutines_range", lang, first=f"{g[0]:,}", last=f"{g[-1]:,}"), style="dim"))
    if summary.heap_totals:
        h = summary.heap_totals
        console.print(Text(label("watch_heap_range", lang, first=format_bytes(h[0]), last=format_bytes(h[-1])), style="dim"))
    if not summary.growing:
        console.print(Text(label("watch_nothing_steady", lang), style="green"))
        return
    console.print(Text(label("watch_growing", lang), style="bold underline"))
    for t in summary.growing:
        console.print(
            Text.assemble(
                ("• ", "bold"),
                (label("watch_kind_" + t.kind, lang), "bold"),
                "  ",
                _what(t),
                "  ",
                (f"{_amount(t, t.values[0])} → {_amount(t, t.now)}", ""),
                "  ",
                (label("watch_per_minute", lang, rate=_rate(t)), "red"),
                "  ",
                (t.pattern or label("heap_no_pattern", lang), "cyan" if t.pattern else "dim"),
            )
        )
    for pattern in summary.patterns:
        entry = entries.get(pattern)
        if entry is None:
            continue
        console.print()
        console.print(Text.assemble((pattern, "bold cyan"), "  ", (entry.title.get(lang), "bold")))
        console.print(Text("  " + entry.summary.get(lang)))
        console.print(Text.assemble(("  " + label("fix", lang) + ": ", "bold"), (entry.quick_fix(lang), "green")))
    if summary.commands:
        console.print()
        console.print(Text(label("watch_dig_in", lang), style="bold"))
        for command in summary.commands:
            console.print(Text("  " + command))
