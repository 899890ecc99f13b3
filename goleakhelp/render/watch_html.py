"""A watch as one self-contained HTML page: a chart per growing goroutine group and heap
place (Chart.js, embedded), the KB findings for them, and what each one is.

The page needs no network: the chart library is inlined from render/vendor (refreshed by
scripts/update_chartjs.py), and the data is a JSON block the page's own script reads.
Every piece of user text goes in escaped, as HTML text or as JSON inside a script block.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from importlib.resources import files

from goleakhelp import __version__
from goleakhelp.i18n import label
from goleakhelp.knowledge.entry import Entry
from goleakhelp.render.heapdoc import format_bytes
from goleakhelp.watch.sample import Sample
from goleakhelp.watch.trend import GOROUTINES, Trend, WatchSummary, trends

MAX_CHARTS = 12  # steady growers first, then the totals

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d2127; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
.meta {{ color: #5b6470; }} .grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1.2rem; }}
figure {{ margin: 0; border: 1px solid #d8dde3; border-radius: 6px; padding: .8rem; }}
figcaption {{ font-weight: 600; overflow-wrap: anywhere; }} figcaption .rate {{ color: #b3261e; font-weight: 400; }}
.pattern {{ color: #0b57d0; }} canvas {{ width: 100%; height: 14rem; }}
code, pre {{ font: 13px/1.35 ui-monospace, monospace; }} pre {{ background: #f4f6f8; padding: .6rem; overflow-x: auto; }}
.entry {{ border-left: 4px solid #0b57d0; padding-left: .8rem; margin: 1rem 0; }} .fix {{ color: #146c2e; }}
</style></head><body>
<h1>{title}</h1>
<p class="meta">{meta}</p>
{body}
<script type="application/json" id="watch-data">{data}</script>
<script>{chartjs}</script>
<script>
(function () {{
  const data = JSON.parse(document.getElementById("watch-data").textContent);
  let drawn = 0;
  for (const series of data.series) {{
    const canvas = document.getElementById(series.id);
    if (!canvas || typeof Chart === "undefined") continue;
    new Chart(canvas, {{
      type: "line",
      data: {{ labels: series.times, datasets: [{{ label: series.unit, data: series.values, borderColor: series.steady ? "#b3261e" : "#0b57d0",
        backgroundColor: "transparent", pointRadius: 2, tension: 0.1 }}] }},
      options: {{ animation: false, responsive: false, plugins: {{ legend: {{ display: false }} }},
        scales: {{ x: {{ title: {{ display: true, text: data.x_title }} }}, y: {{ beginAtZero: false, title: {{ display: true, text: series.unit }} }} }} }}
    }});
    drawn += 1;
  }}
  document.body.setAttribute("data-charts-drawn", String(drawn));
}})();
</script>
</body></html>
"""


def _chartjs() -> str:
    return files("goleakhelp.render").joinpath("vendor/chart.umd.min.js").read_text(encoding="utf-8")


def _script_json(data) -> str:
    """JSON that cannot end the <script> block it sits in."""
    return json.dumps(data, ensure_ascii=True).replace("</", "<\\/")


def _amount(t: Trend, value: float) -> str:
    return f"{value:,.0f}" if t.kind == GOROUTINES else format_bytes(int(value))


def _figure(n: int, t: Trend, lang: str) -> str:
    e = html.escape
    rate = label("watch_per_minute", lang, rate=("+" if t.per_minute >= 0 else "-") + _amount(t, abs(t.per_minute)))
    pattern = f' <span class="pattern">{e(t.pattern)}</span>' if t.pattern else ""
    kind = label("watch_kind_" + t.kind, lang)
    frames = "\n".join(part.strip() for part in t.key.replace(" <- ", " | created by ").split(" | "))
    return (
        f'<figure><figcaption>{e(kind)}: {e(t.label)} <span class="rate">{e(rate)}</span>{pattern}</figcaption>'
        f'<canvas id="chart-{n}" width="560" height="220"></canvas>'
        f"<details><summary>{e(label('watch_html_stack', lang))}</summary><pre>{e(frames)}</pre></details></figure>"
    )


def watch_report_html(root: str, samples: Sequence[Sample], summary: WatchSummary, entries: Mapping[str, Entry], lang: str) -> str:
    e = html.escape
    all_trends = trends(samples)
    charted = [t for t in all_trends if t.steady][:MAX_CHARTS]
    if not charted:  # nothing grew: show the largest of each kind
        charted = [t for t in all_trends if t.kind == GOROUTINES][:2] + [t for t in all_trends if t.kind != GOROUTINES][:2]
    start = samples[0].time
    series = [
        {
            "id": f"chart-{n}",
            "times": [round(x - start, 1) for x in t.times],
            "values": list(t.values),
            "unit": label("watch_kind_" + t.kind, lang) if t.kind == GOROUTINES else "bytes",
            "steady": t.steady,
        }
        for n, t in enumerate(charted)
    ]
    parts = []
    if summary.growing:
        parts.append(f"<h2>{e(label('watch_growing', lang))}</h2>")
    else:
        parts.append(f"<p>{e(label('watch_nothing_steady', lang))}</p>")
    parts.append('<div class="grid">' + "".join(_figure(n, t, lang) for n, t in enumerate(charted)) + "</div>")
    for pattern in summary.patterns:
        entry = entries.get(pattern)
        if entry is None:
            continue
        parts.append(
            f'<div class="entry"><h2><code>{e(pattern)}</code> {e(entry.title.get(lang))}</h2>'
            f"<p>{e(entry.summary.get(lang))}</p><p class=\"fix\"><b>{e(label('fix', lang))}:</b> {e(entry.quick_fix(lang))}</p>"
            f"<p><code>goleakhelp show {e(pattern)}</code></p></div>"
        )
    if summary.commands:
        parts.append(f"<h2>{e(label('watch_dig_in', lang))}</h2><pre>{e(chr(10).join(summary.commands))}</pre>")
    failed = f" · {label('watch_failed_polls', lang, n=summary.failed_polls)}" if summary.failed_polls else ""
    meta = label("watch_summary", lang, samples=summary.samples, seconds=f"{summary.seconds:.0f}", root=root) + failed + f" · goleakhelp {__version__}"
    return PAGE.format(
        lang="zh" if lang == "zh" else "en",
        title=e(label("watch_title", lang, root=root)),
        meta=e(meta),
        body="\n".join(parts),
        data=_script_json({"series": series, "x_title": label("watch_html_seconds", lang)}),
        chartjs=_chartjs().replace("</script", "<\\/script"),
    )
