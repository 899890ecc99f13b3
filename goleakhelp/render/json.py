"""JSON output: plain data for tools and scripts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from goleakhelp import __version__
from goleakhelp.render.escape import json_text

if TYPE_CHECKING:  # type names only: the search index (whoosh) stays out of `dump --json`
    from goleakhelp.knowledge.cheatsheet import CheatSheet
    from goleakhelp.knowledge.entry import Entry
    from goleakhelp.knowledge.search import SearchResult


def _dump(data: Any) -> str:
    return json_text(data)


def entry_data(entry: Entry) -> dict[str, Any]:
    data = dataclasses.asdict(entry)
    data["source"] = str(entry.source)
    return data


def search_json(result: SearchResult) -> str:
    """A list of hits, best first."""
    return _dump([dataclasses.asdict(hit) for hit in result.hits])


def entry_json(entry: Entry) -> str:
    return _dump({"goleakhelp_version": __version__, **entry_data(entry)})


def list_json(entries: Iterable[Entry], lang: str) -> str:
    return _dump(
        [
            {"id": e.id, "kind": e.kind, "category": e.category, "severity": e.severity, "title": e.title.get(lang), "summary": e.summary.get(lang)}
            for e in entries
        ]
    )


def cheatsheet_json(sheet: CheatSheet) -> str:
    return _dump(dataclasses.asdict(sheet))


def dump_report_data(report) -> dict:
    """`report` is a dumps.analyze.DumpReport."""

    def frame(f):
        return {"function": f.function, "file": f.file, "line": f.line, "inlined": f.inlined}

    groups = []
    for finding in report.findings:
        g = finding.group
        where = g.user_frame or g.top_frame
        groups.append(
            {
                "count": g.count,
                "state": g.state,
                "states": dict(g.states),
                "wait_minutes": list(g.wait_minutes),
                "leaked": g.leaked,
                "frames": [f.function for f in g.frames],
                "stack": [frame(f) for f in g.frames],
                "location": where.location if where is not None else "",
                "created_by": g.created_by.function if g.created_by else None,
                "created_at": g.created_by.location if g.created_by else None,
                "parent_ids": list(g.parent_ids),
                "ids": list(g.ids),
                "labels": [dict(ls) for ls in g.labels],
                "suspicion": finding.suspicion,
                "reasons": list(finding.reasons),
                "matches": [{"id": m.id, "kind": m.kind, "score": m.score, "evidence": list(m.evidence)} for m in finding.matches],
                "source": {"file": finding.source[0], "line": finding.source[1], "text": finding.source[2]} if finding.source else None,
                "base_count": finding.base_count,
                "rank": finding.rank,
                "related": [
                    {"role": r.role, "count": r.group.count, "state": r.group.state, "frames": [f.function for f in r.group.frames],
                     "created_by": r.group.created_by.function if r.group.created_by else None}
                    for r in finding.related
                ],
            }
        )
    return {
        "goleakhelp_version": __version__,
        "origin": report.origin,
        "format": report.format,
        "total": report.total,
        "declared_total": report.declared_total,
        "states": dict(report.states),
        "suspicious_groups": len(report.suspicious),
        "truncated": report.truncated,
        "dumps_found": report.dumps_found,
        "dump_index": report.dump_index,
        "header": report.header,
        "context": report.context,
        "excerpt": report.excerpt,
        "notes": list(report.notes),
        "base": {"origin": report.base_origin, "total": report.base_total} if report.base_origin else None,
        "groups": groups,
    }


def dump_report_json(report) -> str:
    return _dump(dump_report_data(report))


def explanation_json(explanation, entries) -> str:
    """What `explain` detected, where it sent the input, and that analysis's own JSON data."""
    route, result = explanation.route, explanation.result
    if route == "dump":
        data: Any = dump_report_data(result)
    elif route == "code":
        data = code_findings_data(result, entries)
    elif route == "search":
        data = [dataclasses.asdict(hit) for hit in result.hits]
    else:
        data = heap_report_data(result)
    detection = explanation.detection
    return _dump(
        {
            "goleakhelp_version": __version__,
            "detected": {"kind": detection.kind, "description": detection.describe(explanation.lang), "forced": detection.forced},
            "route": route,
            "query": detection.text if route == "search" else None,
            "lang": explanation.lang,
            "result": data,
        }
    )


def code_findings_data(report, entries) -> list[dict]:
    """`report` is a code.analyze.CodeReport; severity and fix come from the KB entries."""
    out = []
    for f in report.findings:
        entry = entries.get(f.id)
        out.append(
            {
                "id": f.id,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "severity": entry.severity if entry else "medium",
                "confidence": f.confidence,
                "note": f.note,
                "title": entry.title.en if entry else "",
                "fix": entry.quick_fix("en") if entry else "",
            }
        )
    return out


def code_findings_json(report, entries) -> str:
    return _dump(code_findings_data(report, entries))


def _frame_data(f) -> dict:
    return {"function": f.function, "file": f.file, "line": f.line, "inlined": f.inlined}


def heap_report_data(report) -> dict:
    """`report` is a profiles.heap.HeapReport."""
    frame = _frame_data

    def frame_match(fm):
        return {"function": fm.function, "pattern": fm.pattern}

    def site(s):
        user = s.user_frame
        return {
            "inuse_objects": s.inuse_objects,
            "inuse_bytes": s.inuse_bytes,
            "alloc_objects": s.alloc_objects,
            "alloc_bytes": s.alloc_bytes,
            "allocator": s.allocator.function if s.allocator else None,
            "user_function": user.function if user else None,
            "location": (user or s.allocator).location if (user or s.allocator) else "",
            "stack": [frame(f) for f in s.frames],
        }

    profile = report.profile
    return {
        "goleakhelp_version": __version__,
        "origin": report.origin,
        "format": profile.format,
        "kind": profile.kind,
        "sample_rate": profile.sample_rate,
        "scaled": profile.scaled,
        "inuse_objects": profile.inuse_objects,
        "inuse_bytes": profile.inuse_bytes,
        "alloc_objects": profile.alloc_objects,
        "alloc_bytes": profile.alloc_bytes,
        "site_count": len(profile.sites),
        "memstats": dataclasses.asdict(profile.memstats) if profile.memstats else None,
        "notes": list(report.notes),
        "patterns": [
            {
                "id": p.id,
                "kind": p.kind,
                "inuse_bytes": p.inuse_bytes,
                "inuse_objects": p.inuse_objects,
                "share": p.share,
                "sites": len(p.sites),
                "locations": [site(s)["location"] for s in p.sites[:5]],
                "evidence": [frame_match(fm) for fm in p.evidence],
            }
            for p in report.patterns
        ],
        "sites": [
            {**site(f.site), "share": f.share, "matches": [{"id": m.id, "kind": m.kind, "frames": [frame_match(fm) for fm in m.frames]} for m in f.matches]}
            for f in report.findings
        ],
        "unmatched": {
            "inuse_bytes": report.unmatched_bytes,
            "holders": [dataclasses.asdict(h) for h in report.unmatched],
            "candidates": list(report.retention_candidates),
        },
    }


def heap_report_json(report) -> str:
    return _dump(heap_report_data(report))


def heap_diff_data(diff, entries) -> dict:
    """`diff` is a profiles.heapdiff.HeapDiff."""

    def place(g) -> dict:
        return {
            "base_bytes": g.base_bytes,
            "base_objects": g.base_objects,
            "inuse_bytes": g.new_bytes,
            "inuse_objects": g.new_objects,
            "grew_bytes": g.grew_bytes,
            "grew_objects": g.grew_objects,
            "bytes_per_minute": g.per_minute,
            "matches": [m.id for m in g.matches],
            "stack": [_frame_data(f) for f in g.frames],
        }

    def title(entry_id: str) -> dict:
        entry = entries.get(entry_id)
        return {"title": entry.title.en, "fix": entry.quick_fix("en")} if entry else {}

    return {
        "goleakhelp_version": __version__,
        "base": {"origin": diff.base_origin, "format": diff.base.format, "inuse_bytes": diff.base.inuse_bytes, "inuse_objects": diff.base.inuse_objects},
        "new": {"origin": diff.origin, "format": diff.new.format, "inuse_bytes": diff.new.inuse_bytes, "inuse_objects": diff.new.inuse_objects},
        "elapsed_seconds": diff.elapsed_seconds,
        "grew_bytes": diff.grew_bytes,
        "grew_objects": diff.grew_objects,
        "bytes_per_minute": diff.per_minute,
        "flat": diff.flat,
        "when_flat": [{"signal": signal, "id": entry_id} for signal, entry_id in diff.when_flat],
        "memstats_growth": dataclasses.asdict(diff.memstats) if diff.memstats else None,
        "notes": list(diff.notes),
        "patterns": [
            {
                "id": p.id,
                "kind": p.kind,
                **title(p.id),
                "tied": list(p.tied),
                "grew_bytes": p.grew_bytes,
                "share": p.share,
                "places": [place(g) for g in p.places],
            }
            for p in diff.patterns
        ],
        "growing": [place(g) for g in diff.growing],
    }


def heap_diff_json(diff, entries) -> str:
    return _dump(heap_diff_data(diff, entries))


def watch_sample_json(root: str, sample) -> str:
    """One line of `watch --json`: a goleakhelp.watch.sample.Sample."""
    from goleakhelp.watch.record import RECORD_VERSION

    data = {
        "type": "sample",
        "record_version": RECORD_VERSION,
        "goleakhelp_version": __version__,
        "service": root,
        "time": sample.time,
        "goroutine_total": sample.goroutine_total,
        "goroutines": [[g.key, g.count, g.label, g.pattern] for g in sample.goroutines],
        "heap_inuse": sample.heap_inuse,
        "heap": [[p.key, p.inuse_bytes, p.inuse_objects, p.label, p.pattern] for p in sample.heap],
        "memstats": sample.memstats,
        "errors": list(sample.errors),
    }
    return json_text(data, indent=None)


def watch_summary_json(summary) -> str:
    """The last line of `watch --json`: what grew steadily (a goleakhelp.watch.trend.WatchSummary)."""
    from goleakhelp.watch.record import RECORD_VERSION

    return json_text(
        {
            "type": "summary",
            "record_version": RECORD_VERSION,
            "goleakhelp_version": __version__,
            "service": summary.root,
            "samples": summary.samples,
            "seconds": summary.seconds,
            "failed_polls": summary.failed_polls,
            "growing": [
                {"kind": t.kind, "key": t.key, "label": t.label, "pattern": t.pattern, "first": t.values[0], "now": t.now, "per_minute": t.per_minute}
                for t in summary.growing
            ],
            "patterns": list(summary.patterns),
            "commands": list(summary.commands),
        },
        indent=None,
    )
