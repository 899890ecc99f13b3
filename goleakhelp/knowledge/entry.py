"""Plain, immutable values for one knowledge-base entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

LANGUAGES = ("en", "zh")
KINDS = ("pattern", "technique", "not-a-leak")
SEVERITIES = ("high", "medium", "low", "info")
CATEGORIES = (
    "goroutine",
    "sync",
    "context",
    "timer",
    "http",
    "database",
    "resource",
    "memory",
    "cgo-os",
    "finalizer",
    "diagnostics",
)


@dataclass(frozen=True)
class Localized(Generic[T]):
    """One text (or list of texts) in every supported language."""

    en: T
    zh: T

    def get(self, lang: str) -> T:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class DumpSignature:
    """How a leaking goroutine of this pattern looks in a goroutine dump.

    A goroutine matches when its wait reason is one of `states` (any state when
    empty), every regex in `frames` matches at least one of its frame function
    names, and `created_by` (when set) matches the function that created it. A
    signature with no `frames` describes the program's own code blocked in that
    state, so it matches only goroutines whose innermost non-runtime frame is user
    code. `source` (optional) holds regexes for the blocked line of user code; when
    that line can be read (`goleakhelp dump --src DIR`), a matching line confirms
    the entry and a non-matching one weakens it. `min_count` (optional) matches
    only groups of at least that many goroutines. `go_before` (optional) marks a
    signature of dumps written by Go releases before that version, whose frames
    or wait reasons the current toolchain's source no longer has. `module_since`
    (optional, "module version") marks frames of a third-party module that exist
    only from that version on.
    """

    states: tuple[str, ...]
    frames: tuple[str, ...]
    created_by: str | None
    source: tuple[str, ...] = ()
    min_count: int = 0  # match only groups at least this large (a pattern seen by sheer numbers)
    go_before: str | None = None
    module_since: str | None = None
    # Tie-breaking between look-alikes: added to the score; a frame naming a specific library
    # call outranks the primitive it waits on (io.(*pipe).write over sync.Cond.Wait), and a
    # look-alike the stack cannot show ranks below the one it can (wg-copied under wg-missing-done).
    specificity: float = 0.0
    # Regexes for the source of the function holding the blocked line (--src): evidence
    # the stack cannot show, such as a WaitGroup handed to a goroutine by value.
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class DumpCompanion:
    """Another group that is part of the same leak as a group matching the entry.

    `role` "same-leak": reported inside the entry's finding (the writeLoop of each leaked
    persistConn beside its readLoop). "consequence": the other end of the leak in the same
    process (the server's conn.serve of each leaked client connection), mentioned as a
    consequence and never given a fix of its own. A group fits when its state is one of
    `states` (any when empty), every `frames` regex matches one of its frames, `created_by`
    matches its creator, and, with `same_count`, it holds as many goroutines.
    """

    role: str
    states: tuple[str, ...]
    frames: tuple[str, ...]
    created_by: str | None
    same_count: bool


@dataclass(frozen=True)
class Linter:
    tool: str
    rule: str


@dataclass(frozen=True)
class GoVersionNote:
    version: str
    note: Localized[str]


@dataclass(frozen=True)
class CodeExamples:
    leaky: str | None
    fixed: str | None


@dataclass(frozen=True)
class ResourceFacts:
    """What `goleakhelp code` follows for a "never released" pattern (the optional
    `detection` section): which calls acquire the resource and which release it."""

    resource: str  # how messages name it: "the file"
    acquire: tuple[str, ...]  # callees that return it: os.Open, or *.Query for any receiver
    result: int  # which assigned name is the resource
    release: tuple[str, ...]  # methods called on it that release it: Close, Body.Close
    release_functions: tuple[str, ...]  # functions taking it that release it: C.free
    triggers: tuple[str, ...]  # text a file must contain to be worth looking at
    min_args: int = 0  # fewer arguments means another API with the same name (url.Query())
    before: str | None = None  # "1.23": a leak only when the module targets an older Go
    # Methods whose use on the value shows it is this resource; asked for when the acquiring
    # call is known by its method name only (*.Query), so that `stream.Query(0.5)` is not rows.
    evidence: tuple[str, ...] = ()
    release_receive: tuple[str, ...] = ()  # a receive from this field releases it: <-timer.C (it fired)


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    category: str
    severity: str
    title: Localized[str]
    summary: Localized[str]
    symptoms: Localized[tuple[str, ...]]
    errors: tuple[str, ...]
    keywords: tuple[str, ...]
    why: Localized[str]
    fix: Localized[tuple[str, ...]]
    pitfalls: Localized[tuple[str, ...]]
    code: CodeExamples
    commands: tuple[str, ...]
    dump_signatures: tuple[DumpSignature, ...]
    dump_note: Localized[str]
    heap_frames: tuple[str, ...]
    heap_note: Localized[str]
    linters: tuple[Linter, ...]
    detector_missing: Localized[str] | None  # why `goleakhelp code` has no detector; None when it has one
    go_versions: tuple[GoVersionNote, ...]
    related: tuple[str, ...]
    references: tuple[str, ...]
    source: Path = field(compare=False)
    heap_when_flat: tuple[str, ...] = ()  # "rss", "goroutines": what this explains when a heap diff is flat
    dump_companions: tuple[DumpCompanion, ...] = ()
    # Regexes for frames of a library this entry is about: not the program's own code even
    # when the build left no module version in their paths (vendored, -trimpath, replace).
    dump_library_frames: tuple[str, ...] = ()
    detection: ResourceFacts | None = None

    def quick_fix(self, lang: str) -> str:
        """The one-line fix: the first fix step."""
        return self.fix.get(lang)[0]
