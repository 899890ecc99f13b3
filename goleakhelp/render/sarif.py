"""SARIF 2.1.0 for code findings (GitHub code scanning reads it)."""

from __future__ import annotations

from goleakhelp import __version__
from goleakhelp.render.escape import json_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}


def code_findings_sarif(report, entries) -> str:
    rule_ids = sorted({f.id for f in report.findings})
    rules = []
    for rule_id in rule_ids:
        entry = entries.get(rule_id)
        rule = {"id": rule_id, "name": rule_id}
        if entry is not None:
            rule["shortDescription"] = {"text": entry.title.en}
            rule["fullDescription"] = {"text": entry.summary.en}
            rule["help"] = {"text": f"{entry.why.en.strip()}\n\nFix: {entry.quick_fix('en')}"}
            rule["defaultConfiguration"] = {"level": LEVELS.get(entry.severity, "warning")}
        rules.append(rule)
    results = []
    for f in report.findings:
        entry = entries.get(f.id)
        results.append(
            {
                "ruleId": f.id,
                "ruleIndex": rule_ids.index(f.id),
                "level": LEVELS.get(entry.severity if entry else "medium", "warning"),
                "message": {"text": f.message + (f" ({f.note})" if f.note else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.file.replace("\\", "/")},
                            "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                        }
                    }
                ],
                "properties": {"confidence": f.confidence},
            }
        )
    run = {
        "tool": {"driver": {"name": "goleakhelp", "version": __version__, "rules": rules}},
        "results": results,
    }
    limits = getattr(report, "limits", ())
    if limits:  # code left out of the analysis: a finding may be missing there
        notes = [
            {
                "level": "warning",
                "message": {"text": limit.reason},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": limit.file.replace("\\", "/")}, "region": {"startLine": max(limit.line, 1)}}}],
            }
            for limit in limits
        ]
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notes}]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(log)
