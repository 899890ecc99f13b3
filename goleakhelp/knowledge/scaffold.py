"""`goleakhelp kb new ID`: the skeleton of a new entry, every section present and marked TODO."""

from __future__ import annotations

from pathlib import Path

from goleakhelp.knowledge.schema import ID_PATTERN, TODO_MARK

SKELETON = """\
# New knowledge-base entry. Replace every {todo}; `goleakhelp kb check` lists what is left.
id: {id}
kind: pattern            # pattern | technique | not-a-leak
category: goroutine      # goroutine, sync, context, timer, http, database, resource, memory, cgo-os, finalizer, diagnostics
severity: medium         # high | medium | low | info
title:
  en: {todo} one line naming the leak
  zh: {todo} 一行标题
summary:
  en: {todo} the cause in one sentence
  zh: {todo} 一句话说明原因
symptoms:                # how a developer describes it; the first is the most typical
  en:
    - {todo} goroutine count keeps growing
  zh:
    - {todo} goroutine 数量一直增长
errors: []               # literal messages as Go prints them, e.g. "too many open files"
keywords: []             # API names and search terms, e.g. [time.After, select]
why:
  en: |
    {todo} the mechanism: what stays reachable or blocked, and why the GC cannot free it.
  zh: |
    {todo} 泄漏机制。
fix:                     # the first step is the one-line fix
  en:
    - {todo} one-line fix
  zh:
    - {todo} 一行修复方法
pitfalls:                # common advice that is wrong here
  en: []
  zh: []
code:                    # whole Go files that compile; leaky is null for technique and not-a-leak entries
  leaky: |
    package main

    func main() {{
    \t// {todo} the leak in its most typical form
    }}
  fixed: |
    package main

    func main() {{
    \t// {todo} the idiomatic repair
    }}
commands: []             # shell commands a user runs (required for techniques)
dump:
  signatures:            # wait reasons plus regexes on frame function names; [] when no goroutine is left
    - states: [chan send]
      frames: []
      created_by: null
      # optional: source (regexes on the blocked source line, read with --src), min_count,
      # specificity (a number; the higher wins a tie between entries), context (regexes on the
      # text around the dump), go_before ("1.23"), module_since ("google.golang.org/grpc 1.56")
  together: []           # groups that are this leak too: [{{role: same-leak | consequence, frames: [...], states, created_by, same_count}}]
  library_frames: []     # regexes for a library's frames, which are not the user's own code
  note:
    en: {todo} the dump signature in words
    zh: {todo} 用文字描述 dump 特征
heap:
  frames: []             # regexes on allocation-site function names
  when_flat: []          # rss and/or goroutines: what this explains when a heap diff shows no growth
  note:
    en: {todo} what a heap profile shows
    zh: {todo} heap profile 中能看到什么
linters: []              # e.g. [{{tool: go vet, rule: lostcancel}}]
detector:                # `true` once goleakhelp code has a detector for it; until then, why not
  en: {todo} why source analysis cannot see this (yet)
  zh: {todo} 为什么（暂时）无法从源码检测
# detection:             # a resource someone must release: the facts the code detector follows
#   resource: the thing  # "the file or connection", as the finding names it
#   acquire: [pkg.Open]  # callees that acquire it ("*.Query" for a method on any receiver)
#   result: 0            # which result is the resource
#   release: [Close]     # methods that release it (or release_functions: [C.free])
#   triggers: [Open]     # words whose presence in a file makes the detector run
go_versions: []          # e.g. [{{version: "1.23", en: ..., zh: ...}}]
related: []
references: []
"""


class ScaffoldError(Exception):
    pass


def new_entry(entry_id: str, folder: Path, existing_ids: set[str]) -> Path:
    """Write the skeleton for `entry_id` into `folder`; never overwrites."""
    if not ID_PATTERN.match(entry_id):
        raise ScaffoldError(f"{entry_id!r} is not a valid id: use lower-case words joined by '-' (e.g. chan-send-orphan)")
    if entry_id in existing_ids:
        raise ScaffoldError(f"id {entry_id!r} is already used by an entry; ids are never reused")
    if not folder.is_dir():
        raise ScaffoldError(f"{folder} is not a folder")
    path = folder / f"{entry_id}.yaml"
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(SKELETON.format(id=entry_id, todo=TODO_MARK))
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
