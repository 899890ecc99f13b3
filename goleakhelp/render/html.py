"""A self-contained HTML page (the cheat sheet), every text escaped."""

from __future__ import annotations

from html import escape

from goleakhelp.i18n import category_name, label
from goleakhelp.knowledge.cheatsheet import CheatSheet

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:1.8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa}code{font-family:ui-monospace,monospace;font-size:.85rem}td.fix{color:#116329}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
"""


def cheatsheet_html(sheet: CheatSheet) -> str:
    lang = sheet.lang
    title = escape(label("cheatsheet_title", lang))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    for section in sheet.sections:
        out.append(f"<h2>{escape(category_name(section.category, lang))}</h2>")
        out.append(
            f"<table><tr><th>id</th><th>{escape(label('symptom', lang))}</th>"
            f"<th>{escape(label('cause', lang))}</th><th>{escape(label('fix', lang))}</th></tr>"
        )
        for r in section.rows:
            out.append(
                f"<tr><td><code>{escape(r.id)}</code></td><td>{escape(r.symptom)}</td>"
                f'<td>{escape(r.cause)}</td><td class="fix">{escape(r.fix)}</td></tr>'
            )
        out.append("</table>")
    if sheet.commands:
        out.append(f"<h2>{escape(label('collect', lang))}</h2>")
        for group in sheet.commands:
            out.append(f"<h3>{escape(group.title)} <code>{escape(group.id)}</code></h3>")
            out.append(f"<pre><code>{escape(chr(10).join(group.commands))}</code></pre>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
