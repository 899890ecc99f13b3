"""Validation of knowledge-base YAML documents, with errors that name the file and the field.

`parse_entry` turns one YAML mapping into an `Entry`, collecting every problem
it finds instead of stopping at the first; `cross_check` checks what spans
entries (duplicate ids, related ids that do not exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goleakhelp.knowledge.entry import (
    CATEGORIES,
    KINDS,
    LANGUAGES,
    SEVERITIES,
    CodeExamples,
    DumpCompanion,
    DumpSignature,
    Entry,
    GoVersionNote,
    Linter,
    Localized,
    ResourceFacts,
)
from goleakhelp.waitreasons import DUMP_STATES

SIGNATURE_KEYS = ("states", "frames", "created_by", "source", "min_count", "specificity", "context", "go_before", "module_since")

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
GO_VERSION_PATTERN = re.compile(r"^1\.\d+$")
URL_PATTERN = re.compile(r"^https?://\S+$")
# Marks left by `goleakhelp kb new` in sections still to be written. `context.TODO()`
# is an API name, not a mark, so a TODO after a dot or before a parenthesis is text.
TODO_MARK = "TODO"
_TODO = re.compile(r"(?<![\w.])TODO(?![\w(])")

# Every top-level key an entry must have, in the order entries are written.
# What an entry can explain when a heap diff is flat (heap.when_flat): process memory (RSS)
# that grows outside the Go heap, or a goroutine count (and stack memory) that grows.
HEAP_FLAT_SIGNALS = ("rss", "goroutines")

SECTIONS = (
    "id",
    "kind",
    "category",
    "severity",
    "title",
    "summary",
    "symptoms",
    "errors",
    "keywords",
    "why",
    "fix",
    "pitfalls",
    "code",
    "commands",
    "dump",
    "heap",
    "linters",
    "detector",
    "go_versions",
    "related",
    "references",
)
# Sections an entry may have: `detection` holds the acquire/release facts a resource
# detector follows (see ResourceFacts).
OPTIONAL_SECTIONS = ("detection",)
CALLEE_PATTERN = re.compile(r"^(\*|[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)\.[A-Za-z_]\w*$|^[A-Za-z_]\w*$")
DETECTION_KEYS = ("resource", "acquire", "result", "release", "release_functions", "release_receive", "triggers", "min_args", "before", "evidence")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message))

    # Scalars -------------------------------------------------------------
    def text(self, value: Any, field: str, *, one_line: bool = False) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be a non-empty text")
            return ""
        if _TODO.search(value):
            self.fail(field, f"still marked {TODO_MARK}: write this section")
        if one_line and "\n" in value.strip():
            self.fail(field, "must be one line")
        return value.strip()

    def choice(self, value: Any, field: str, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if value not in allowed:
            self.fail(field, f"is {value!r}; expected one of: {', '.join(allowed)}")
            return allowed[0]
        return value

    def strings(self, value: Any, field: str, *, allow_empty: bool = True) -> tuple[str, ...]:
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(field, "must be a list of texts")
            return ()
        if not value and not allow_empty:
            self.fail(field, "must list at least one item")
        out = []
        for i, item in enumerate(value):
            out.append(self.text(item, f"{field}[{i}]"))
        return tuple(out)

    def mapping(self, value: Any, field: str, keys: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field, "must be a mapping")
            return {}
        for key in keys:
            if key not in value:
                self.fail(f"{field}.{key}", "is missing")
        return value

    # Languages -------------------------------------------------------------
    def localized_text(self, value: Any, field: str, *, one_line: bool = False) -> Localized[str]:
        m = self.mapping(value, field, LANGUAGES)
        texts = {lang: self.text(m.get(lang), f"{field}.{lang}", one_line=one_line) if lang in m else "" for lang in LANGUAGES}
        self._check_chinese(texts["zh"], f"{field}.zh")
        return Localized(**texts)

    def localized_list(self, value: Any, field: str, *, allow_empty: bool) -> Localized[tuple[str, ...]]:
        m = self.mapping(value, field, LANGUAGES)
        lists = {lang: self.strings(m.get(lang), f"{field}.{lang}", allow_empty=allow_empty) if lang in m else () for lang in LANGUAGES}
        if len(lists["en"]) != len(lists["zh"]):
            self.fail(field, f"has {len(lists['en'])} English and {len(lists['zh'])} Chinese items; translate each item")
        for i, text in enumerate(lists["zh"]):
            self._check_chinese(text, f"{field}.zh[{i}]")
        return Localized(**lists)

    def _check_chinese(self, text: str, field: str) -> None:
        if text and not _TODO.search(text) and not re.search(r"[\u4e00-\u9fff]", text):
            self.fail(field, "holds no Chinese text")

    # Patterns ----------------------------------------------------------------
    def regexes(self, value: Any, field: str) -> tuple[str, ...]:
        patterns = self.strings(value, field)
        for i, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail(f"{field}[{i}]", f"regular expression does not compile: {exc}")
        return patterns


def parse_entry(data: Any, file: Path) -> tuple[Entry | None, list[Problem]]:
    """Validate one YAML document and build its Entry (None when it is unusable)."""
    c = _Checker(str(file))
    if not isinstance(data, dict):
        c.fail("", "is not a YAML mapping of sections")
        return None, c.problems
    for key in SECTIONS:
        if key not in data:
            c.fail(key, "section is missing")
    for key in data:
        if key not in SECTIONS and key not in OPTIONAL_SECTIONS:
            c.fail(str(key), f"unknown section; sections are: {', '.join(SECTIONS)}")

    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        c.fail("id", f"{entry_id!r} is not a slug (lower-case words joined by '-')")
        entry_id = str(entry_id)
    elif file.suffix in (".yaml", ".yml") and file.stem != entry_id:
        c.fail("id", f"{entry_id!r} does not match the file name {file.name!r}")

    kind = c.choice(data.get("kind"), "kind", KINDS)
    category = c.choice(data.get("category"), "category", CATEGORIES)
    severity = c.choice(data.get("severity"), "severity", SEVERITIES)
    title = c.localized_text(data.get("title"), "title", one_line=True)
    summary = c.localized_text(data.get("summary"), "summary", one_line=True)
    symptoms = c.localized_list(data.get("symptoms"), "symptoms", allow_empty=False)
    errors = c.strings(data.get("errors"), "errors")
    keywords = c.strings(data.get("keywords"), "keywords")
    why = c.localized_text(data.get("why"), "why")
    fix = c.localized_list(data.get("fix"), "fix", allow_empty=False)
    for lang in LANGUAGES:
        if fix.get(lang) and "\n" in fix.get(lang)[0]:
            c.fail(f"fix.{lang}[0]", "the first fix step is the one-line fix and must be one line")
    pitfalls = c.localized_list(data.get("pitfalls"), "pitfalls", allow_empty=True)

    code_map = c.mapping(data.get("code"), "code", ("leaky", "fixed"))
    leaky = code_map.get("leaky")
    fixed = code_map.get("fixed")
    for name, src in (("leaky", leaky), ("fixed", fixed)):
        if src is None:
            if kind == "pattern" and name in code_map:
                c.fail(f"code.{name}", "a pattern needs Go code here")
            continue
        c.text(src, f"code.{name}")
        if isinstance(src, str) and not re.match(r"\s*(//.*\n\s*)*package \w+", src):
            c.fail(f"code.{name}", "must be a whole Go file starting with a package clause")
    if kind != "pattern" and leaky is not None:
        c.fail("code.leaky", f"only patterns have leaky code; a {kind} entry sets it to null")
    commands = c.strings(data.get("commands"), "commands")
    if kind == "technique" and not commands:
        c.fail("commands", "a technique lists the commands a user runs")

    dump = c.mapping(data.get("dump"), "dump", ("signatures", "note"))
    signatures = []
    raw_sigs = dump.get("signatures") or []
    if not isinstance(raw_sigs, list):
        c.fail("dump.signatures", "must be a list")
        raw_sigs = []
    for i, raw in enumerate(raw_sigs):
        field = f"dump.signatures[{i}]"
        sig = c.mapping(raw, field, ("states", "frames", "created_by"))
        states = c.strings(sig.get("states"), f"{field}.states")
        for j, state in enumerate(states):
            if state not in DUMP_STATES:
                c.fail(f"{field}.states[{j}]", f"{state!r} is not a Go wait reason or goroutine status")
        frames = c.regexes(sig.get("frames"), f"{field}.frames")
        created_by = sig.get("created_by")
        if created_by is not None:
            c.regexes([created_by], f"{field}.created_by")
        source = c.regexes(sig.get("source"), f"{field}.source")
        min_count = sig.get("min_count", 0)
        if not isinstance(min_count, int) or min_count < 0:
            c.fail(f"{field}.min_count", "must be a whole number of goroutines")
            min_count = 0
        go_before = sig.get("go_before")
        if go_before is not None and not GO_VERSION_PATTERN.match(str(go_before)):
            c.fail(f"{field}.go_before", f"{go_before!r} is not a Go version like \"1.23\" (quote it in YAML)")
            go_before = None
        module_since = sig.get("module_since")
        if module_since is not None and not re.match(r"^\S+ v?\d+\.\d+(\.\d+)?$", str(module_since)):
            c.fail(f"{field}.module_since", f"{module_since!r} is not a module path and version like \"google.golang.org/grpc 1.56\"")
            module_since = None
        specificity = sig.get("specificity", 0)
        if isinstance(specificity, bool) or not isinstance(specificity, (int, float)):
            c.fail(f"{field}.specificity", "must be a number")
            specificity = 0
        context = c.regexes(sig.get("context"), f"{field}.context")
        for key in sig:
            if key not in SIGNATURE_KEYS:
                c.fail(f"{field}.{key}", "unknown key; a signature has states, frames, created_by, and optional " + ", ".join(SIGNATURE_KEYS[3:]))
        if not states and not frames and created_by is None and not min_count:
            c.fail(field, "matches every goroutine: give states, frames, created_by or min_count")
        signatures.append(
            DumpSignature(
                states,
                frames,
                created_by,
                source,
                min_count,
                go_before=None if go_before is None else str(go_before),
                module_since=module_since,
                specificity=float(specificity),
                context=context,
            )
        )
    companions = []
    raw_together = dump.get("together") or []
    if not isinstance(raw_together, list):
        c.fail("dump.together", "must be a list")
        raw_together = []
    for i, raw in enumerate(raw_together):
        field = f"dump.together[{i}]"
        comp = c.mapping(raw, field, ("role", "frames"))
        role = comp.get("role")
        if role not in ("same-leak", "consequence"):
            c.fail(f"{field}.role", "must be same-leak or consequence")
        states = c.strings(comp.get("states"), f"{field}.states")
        for j, state in enumerate(states):
            if state not in DUMP_STATES:
                c.fail(f"{field}.states[{j}]", f"{state!r} is not a Go wait reason or goroutine status")
        frames = c.regexes(comp.get("frames"), f"{field}.frames")
        if not frames:
            c.fail(f"{field}.frames", "name at least one frame of the other group")
        created_by = comp.get("created_by")
        if created_by is not None:
            c.regexes([created_by], f"{field}.created_by")
        for key in comp:
            if key not in ("role", "states", "frames", "created_by", "same_count"):
                c.fail(f"{field}.{key}", "unknown key; a together item has role, frames, and optional states, created_by, same_count")
        companions.append(DumpCompanion(str(role), states, frames, created_by, bool(comp.get("same_count", False))))
    library_frames = c.regexes(dump.get("library_frames"), "dump.library_frames")
    dump_note = c.localized_text(dump.get("note"), "dump.note")

    heap = c.mapping(data.get("heap"), "heap", ("frames", "note"))
    heap_frames = c.regexes(heap.get("frames"), "heap.frames")
    heap_note = c.localized_text(heap.get("note"), "heap.note")
    heap_when_flat = tuple(c.choice(signal, "heap.when_flat", HEAP_FLAT_SIGNALS) for signal in c.strings(heap.get("when_flat"), "heap.when_flat"))

    linters = []
    raw_linters = data.get("linters") or []
    if not isinstance(raw_linters, list):
        c.fail("linters", "must be a list of {tool, rule}")
        raw_linters = []
    for i, raw in enumerate(raw_linters):
        m = c.mapping(raw, f"linters[{i}]", ("tool", "rule"))
        linters.append(Linter(c.text(m.get("tool"), f"linters[{i}].tool"), c.text(m.get("rule"), f"linters[{i}].rule")))

    raw_detector = data.get("detector")
    detector: Localized[str] | None = None
    if raw_detector is True:
        detector = None
    elif isinstance(raw_detector, dict):
        detector = c.localized_text(raw_detector, "detector")
    elif "detector" in data:
        c.fail("detector", "is `true` when goleakhelp code detects this pattern, else {en, zh} saying why not")

    detection = _detection(c, data["detection"]) if "detection" in data else None

    go_versions = []
    raw_versions = data.get("go_versions") or []
    if not isinstance(raw_versions, list):
        c.fail("go_versions", "must be a list of {version, en, zh}")
        raw_versions = []
    for i, raw in enumerate(raw_versions):
        m = c.mapping(raw, f"go_versions[{i}]", ("version", *LANGUAGES))
        version = str(m.get("version", ""))
        if not GO_VERSION_PATTERN.match(version):
            c.fail(f"go_versions[{i}].version", f"{version!r} is not a Go version like \"1.23\" (quote it in YAML)")
        note = Localized(**{lang: c.text(m.get(lang), f"go_versions[{i}].{lang}") for lang in LANGUAGES})
        go_versions.append(GoVersionNote(version, note))

    related = c.strings(data.get("related"), "related")
    references = c.strings(data.get("references"), "references")
    for i, url in enumerate(references):
        if url and not URL_PATTERN.match(url):
            c.fail(f"references[{i}]", f"{url!r} is not an http(s) URL")

    if c.problems and any(p.field in ("", "id") for p in c.problems):
        return None, c.problems
    entry = Entry(
        id=entry_id,
        kind=kind,
        category=category,
        severity=severity,
        title=title,
        summary=summary,
        symptoms=symptoms,
        errors=errors,
        keywords=keywords,
        why=why,
        fix=fix,
        pitfalls=pitfalls,
        code=CodeExamples(leaky, fixed),
        commands=commands,
        dump_signatures=tuple(signatures),
        dump_companions=tuple(companions),
        dump_library_frames=tuple(library_frames),
        dump_note=dump_note,
        heap_frames=heap_frames,
        heap_note=heap_note,
        heap_when_flat=heap_when_flat,
        linters=tuple(linters),
        detector_missing=detector,
        go_versions=tuple(go_versions),
        related=related,
        references=references,
        source=file,
        detection=detection,
    )
    return entry, c.problems


def _detection(c: _Checker, raw: Any) -> ResourceFacts | None:
    m = c.mapping(raw, "detection", ("resource", "acquire", "result", "triggers"))
    if not m:
        return None
    for key in m:
        if key not in DETECTION_KEYS:
            c.fail(f"detection.{key}", f"unknown key; detection has {', '.join(DETECTION_KEYS)}")
    acquire = c.strings(m.get("acquire"), "detection.acquire", allow_empty=False)
    for i, callee in enumerate(acquire):
        if not CALLEE_PATTERN.match(callee):
            c.fail(f"detection.acquire[{i}]", f"{callee!r} is not a callee like os.Open, or *.Query for a method on any receiver")
    numbers = {}
    for key in ("result", "min_args"):
        value = m.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            c.fail(f"detection.{key}", "must be a whole number, 0 or more")
            value = 0
        numbers[key] = value
    release = c.strings(m.get("release"), "detection.release")
    functions = c.strings(m.get("release_functions"), "detection.release_functions")
    if not release and not functions:
        c.fail("detection.release", "list the methods (or release_functions) that release the resource")
    before = m.get("before")
    if before is not None and not GO_VERSION_PATTERN.match(str(before)):
        c.fail("detection.before", f"{before!r} is not a Go version like \"1.23\" (quote it in YAML)")
    return ResourceFacts(
        resource=c.text(m.get("resource"), "detection.resource", one_line=True),
        acquire=acquire,
        result=numbers["result"],
        release=release,
        release_functions=functions,
        triggers=c.strings(m.get("triggers"), "detection.triggers", allow_empty=False),
        min_args=numbers["min_args"],
        before=str(before) if before is not None else None,
        evidence=c.strings(m.get("evidence"), "detection.evidence"),
        release_receive=c.strings(m.get("release_receive"), "detection.release_receive"),
    )


def cross_check(entries: Iterable[Entry]) -> list[Problem]:
    """Problems that span entries: duplicate ids and related ids that do not exist."""
    problems = []
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            problems.append(Problem(str(entry.source), "id", f"duplicate id {entry.id!r}, also used by {seen[entry.id].source}"))
        else:
            seen[entry.id] = entry
    for entry in seen.values():
        for i, rel in enumerate(entry.related):
            if rel not in seen:
                problems.append(Problem(str(entry.source), f"related[{i}]", f"unknown entry id {rel!r}"))
            elif rel == entry.id:
                problems.append(Problem(str(entry.source), f"related[{i}]", "an entry cannot be related to itself"))
    return problems
