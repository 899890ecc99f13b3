#!/usr/bin/env python3
"""Cut the excerpt fixtures in tests/fixtures/dumps/excerpts/ from runtime-written dumps.

People rarely paste a whole dump. They copy one goroutine, or a few, into an issue,
redact ids, let Markdown or a chat client eat tabs and asterisks, paste a log line
that syslog escaped, or a test's output with its own prefix. Each shape below does
to a dump written by the Go runtime (tests/fixtures/dumps, made by
make_dump_fixtures.py) what such a paste does, and nothing else: no frame, state or
count is invented. The manifest records the source dump, the shape and the pattern
the leaking goroutines must still match.

Usage: python scripts/make_dump_excerpts.py
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DUMPS = REPO / "tests" / "fixtures" / "dumps"
OUT = DUMPS / "excerpts"


def blocks(text: str) -> list[str]:
    return [b.strip("\n") for b in text.split("\n\n") if b.strip().startswith("goroutine ")]


def leaking(text: str, leak_function: str) -> list[str]:
    rx = re.compile(leak_function)
    found = []
    for b in blocks(text):
        names = [line[: line.rfind("(")] for line in b.split("\n")[1:] if line and not line.startswith("\t")]
        if any(rx.search(n) for n in names):
            found.append(b)
    return found


def one(text, rec):
    """One goroutine of the leaking group, as copied from a larger dump."""
    return leaking(text, rec["leak_function"])[0] + "\n"


def few(text, rec):
    """Three goroutines of the leaking group and the dump's first goroutine."""
    return "\n\n".join(leaking(text, rec["leak_function"])[:3] + blocks(text)[:1]) + "\n"


def redacted(text, rec):
    """Ids hand-redacted to NNNNN, also in `created by ... in goroutine N`."""
    return re.sub(r"goroutine \d+", "goroutine NNNNN", few(text, rec))


def condensed(text, rec):
    """Each frame on one line, its file after the call (as chat clients join lines)."""
    return re.sub(r"\n\t", " ", one(text, rec))


def headless(text, rec):
    """Selection started below the first header: the first block has frames only."""
    first, *rest = leaking(text, rec["leak_function"])[:3]
    return "\n\n".join([first.split("\n", 1)[1], *rest]) + "\n"


def cut(text, rec):
    """Selection stopped inside the last goroutine, after a function line."""
    lines = few(text, rec).rstrip("\n").split("\n")
    while lines and (lines[-1].startswith("\t") or lines[-1].startswith("created by")):
        lines.pop()
    return "\n".join(lines) + "\n"


def markdown(text, rec):
    """Pasted as Markdown without a code fence: `(*T)` became `(_T)`, tabs became
    four spaces, the header kept a trailing `**`; a shell prompt above it."""
    body = few(text, rec).replace("(*", "(_").replace("\t", "    ")
    body = re.sub(r"(?m)^(goroutine .*:)$", r"\1**", body, count=1)
    return "$ curl -s localhost:6060/debug/pprof/goroutine?debug=2 | head -40\n" + body


def syslog(text, rec):
    """Through rsyslog: a per-line prefix and `#011` for each tab."""
    lines = few(text, rec).rstrip("\n").split("\n")
    return "".join(f"Dec  3 12:00:{n % 60:02d} api-7 app[4242]: {line.replace(chr(9), '#011')}\n" for n, line in enumerate(lines))


def noindent(text, rec):
    """File lines that lost their indentation."""
    return few(text, rec).replace("\n\t", "\n")


def wrapped72(text, rec):
    """Hard-wrapped at 72 columns by a mail client."""
    out = []
    for line in few(text, rec).split("\n"):
        out.extend(textwrap.wrap(line, 72, break_long_words=True, break_on_hyphens=False, replace_whitespace=False, drop_whitespace=False) or [""])
    return "\n".join(out) + "\n"


def testprefix(text, rec):
    """Logged with t.Log: the header behind the test's file:line, continuation lines indented."""
    lines = few(text, rec).rstrip("\n").split("\n")
    return "=== RUN   TestService\n    service_test.go:41: " + lines[0] + "\n" + "".join(f"        {line}\n" for line in lines[1:]) + "--- FAIL: TestService (0.50s)\n"


def instances(text, rec):
    """A leak checker that prints each distinct stack once behind its count."""
    group = leaking(text, rec["leak_function"])
    return f"leaked goroutines:\n{len(group)} instances of:\n{group[0]}\n"


SHAPES = {f.__name__: f for f in (one, few, redacted, condensed, headless, cut, markdown, syslog, noindent, wrapped72, testprefix, instances)}
# The runtime dumps to cut from: user-code leaks, library leaks and sync leaks.
SOURCES = {
    "chan-send-orphan.minutes.txt": list(SHAPES),
    "mutex-unreleased.debug2.txt": ["one", "redacted", "markdown", "wrapped72", "syslog"],
    "wg-missing-done.debug2.txt": ["one", "condensed", "noindent", "testprefix"],
    "http-body-unclosed.debug2.txt": ["few", "markdown", "instances", "cut"],
    "pipe-unclosed.debug2.txt": ["one", "headless"],
    "range-unclosed.debug2.txt": ["few", "redacted"],
}


def main() -> None:
    records = {r["file"]: r for r in yaml.safe_load((DUMPS / "manifest.yaml").read_text(encoding="utf-8"))}
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    manifest = []
    for source, shapes in SOURCES.items():
        rec = records[source]
        text = (DUMPS / source).read_text(encoding="utf-8")
        for shape in shapes:
            name = f"{rec['scenario']}.{shape}.txt"
            (OUT / name).write_text(SHAPES[shape](text, rec), encoding="utf-8")
            manifest.append(
                {
                    "file": name,
                    "shape": shape,
                    "cut_from": source,
                    "how": SHAPES[shape].__doc__.split("\n")[0].strip(),
                    "expect": rec["expect"],
                    "leak_function": rec["leak_function"],
                }
            )
    header = "# Excerpts cut by scripts/make_dump_excerpts.py from the runtime-written dumps beside it: do not edit.\n"
    (OUT / "manifest.yaml").write_text(header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"wrote {len(manifest)} excerpts to {OUT}")


if __name__ == "__main__":
    main()
