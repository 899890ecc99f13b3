"""Precision of `goleakhelp code` on real Go code: re-draw the judged sample.

Runs `goleakhelp code --json` on each project below (Debian Go source packages, installed
under /usr/share/gocode/src), draws a fixed-seed random sample stratified by project (PER
findings from each, all of them when a project has fewer) and prints every sampled finding
with a few lines of its source, for a person to judge real / defensible / false positive.
The verdicts of the last judged draw are in benchmarks/precision_sample.md; a finding
judged there is printed with its recorded verdict, any other is marked "to judge". Prints
the findings; judges nothing. Projects whose package is missing are listed and skipped.

    python benchmarks/precision_sample.py [--seed 9] [--per 6] [--context 3] [--counts]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOCODE = Path("/usr/share/gocode/src")
JUDGED = REPO / "benchmarks" / "precision_sample.md"

# (folder under GOCODE, Debian package that installs it)
PROJECTS = [
    ("github.com/gorilla/websocket", "golang-github-gorilla-websocket-dev"),
    ("github.com/go-sql-driver/mysql", "golang-github-go-sql-driver-mysql-dev"),
    ("github.com/lib/pq", "golang-github-lib-pq-dev"),
    ("github.com/gomodule/redigo", "golang-github-gomodule-redigo-dev"),
    ("github.com/nats-io/nats.go", "golang-github-nats-io-go-nats-dev"),
    ("github.com/hashicorp/yamux", "golang-github-hashicorp-yamux-dev"),
    ("github.com/hashicorp/raft", "golang-github-hashicorp-raft-dev"),
    ("github.com/go-resty/resty", "golang-github-go-resty-resty-dev"),
    ("github.com/prometheus/client_golang", "golang-github-prometheus-client-golang-dev"),
    ("google.golang.org/grpc", "golang-google-grpc-dev"),
    ("golang.org/x/sync", "golang-golang-x-sync-dev"),
]


def scan(folder: Path) -> list[dict]:
    """All findings of `goleakhelp code --json` on one folder, in a stable order."""
    proc = subprocess.run(
        [sys.executable, "-m", "goleakhelp", "code", "--json", str(folder)],
        capture_output=True, text=True, cwd=REPO,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"goleakhelp code failed on {folder}: {proc.stderr.strip()[-300:]}")
    found = json.loads(proc.stdout or "[]")
    return sorted(found, key=lambda f: (f["file"], f["line"], f["column"], f["id"]))


def recorded_verdicts() -> dict[tuple[str, str], str]:
    """(file:line, id) -> "verdict: reason", from the tables of precision_sample.md."""
    found: dict[tuple[str, str], str] = {}
    if not JUDGED.is_file():
        return found
    for row in JUDGED.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].isdigit():
            found.setdefault((cells[2], cells[3]), f"{cells[5]}: {cells[6]}")
    return found


def excerpt(path: str, line: int, context: int) -> str:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "    (source not readable)"
    lo, hi = max(0, line - 1 - context), min(len(lines), line + context)
    return "\n".join(
        f"  {'>' if n + 1 == line else ' '}{n + 1:5d}  {lines[n]}" for n in range(lo, hi)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--per", type=int, default=6, help="findings drawn per project")
    ap.add_argument("--context", type=int, default=3, help="source lines shown either side")
    ap.add_argument("--counts", action="store_true", help="only print findings per project and rule")
    args = ap.parse_args()

    missing = [pkg for folder, pkg in PROJECTS if not (GOCODE / folder).is_dir()]
    if missing:
        print("missing (apt-get install -y " + " ".join(missing) + "); skipped")
    rng = random.Random(args.seed)
    sample: list[tuple[str, dict]] = []
    for folder, _pkg in PROJECTS:
        if not (GOCODE / folder).is_dir():
            continue
        found = scan(GOCODE / folder)
        by_rule = collections.Counter(f["id"] for f in found)
        print(f"{folder}: {len(found)} findings " + ", ".join(f"{k} {v}" for k, v in by_rule.most_common()))
        picked = found if len(found) <= args.per else rng.sample(found, args.per)
        sample.extend((folder, f) for f in picked)
    if args.counts:
        return
    print(f"\nsample: {len(sample)} findings from {len({p for p, _ in sample})} projects, seed {args.seed}\n")
    judged = recorded_verdicts()
    for n, (folder, f) in enumerate(sample, 1):
        rel = Path(f["file"]).relative_to(GOCODE)
        print(f"#{n} {folder}  {rel}:{f['line']}  {f['id']}  confidence={f['confidence']}")
        print(f"    {f['message']}")
        where = f"{rel}:{f['line']}"
        print(f"    recorded: {judged.get((where, f['id']), 'to judge')}")
        print(excerpt(f["file"], f["line"], args.context))
        print()


if __name__ == "__main__":
    main()
