"""GitHub Actions workflow annotations (`::warning file=...::message`) for code findings."""

from __future__ import annotations

LEVELS = {"high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def code_findings_github(report, entries) -> str:
    lines = []
    for f in report.findings:
        entry = entries.get(f.id)
        level = LEVELS.get(entry.severity if entry else "medium", "warning")
        title = f"goleakhelp {f.id}"
        message = f.message + (f" — fix: {entry.quick_fix('en')}" if entry else "")
        lines.append(
            f"::{level} file={_escape_property(f.file)},line={f.line},col={f.column},title={_escape_property(title)}::{_escape_data(message)}"
        )
    for limit in getattr(report, "limits", ()):
        lines.append(f"::notice file={_escape_property(limit.file)},line={limit.line},title=goleakhelp: not analysed::{_escape_data(limit.reason)}")
    return "\n".join(lines) + ("\n" if lines else "")
