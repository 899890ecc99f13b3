"""The mutation fuzzer shared by tests/test_fuzz.py (a short fixed-seed run) and
scripts/fuzz.py (as long a run as asked for).

Seeds are real inputs: runtime-written goroutine dumps from tests/fixtures/dumps, the KB's
Go examples, and free text. A mutation is a short list of edits drawn from a seeded
random.Random, so a failing input is reproduced by its seed alone. Each input is given to
the goleakhelp commands in process, through main() as a user runs them, and the outcome is
checked against the contract: exit status 0, 1 or 2; on 2 one line on stderr; no control
byte of the input in the output; and a bounded time.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DUMPS = REPO / "tests" / "fixtures" / "dumps"
PROFILES = REPO / "tests" / "fixtures" / "profiles"

# What may never be printed: C0 but tab and newline, DEL, and C1 (as characters; bytes
# that are not UTF-8 are caught by the decoding check below).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TIME_LIMIT_SECONDS = 5.0

FREE_TEXT = [
    "goroutine count keeps growing after request timeouts",
    "too many open files",
    "内存一直增长，goroutine 泄漏怎么办",
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "why does time.After in a loop leak?",
    "accept4: too many open files; retrying in 1s",
    "fatal error: all goroutines are asleep - deadlock!",
    "context deadline exceeded",
]

HOSTILE = [
    "\x1b[31m", "\x1b]0;title\x07", "\x1b[2J", "\u009b2J", "\x9b", "\x7f", "\x00", "\x07", "\r",
    "[bold]", "[/]", "[link=http://example.com]x[/link]", "\u202e", "\ufeff", "%s%n", "{{", "\\",
]


@dataclass(frozen=True)
class Seed:
    kind: str  # dump, profile, code or text
    name: str
    data: bytes


def seeds() -> list[Seed]:
    """Every seed input: each runtime-written dump and profile, each KB Go example, each free text."""
    from goleakhelp.knowledge.loader import load_knowledge_base

    out = [Seed("dump", p.name, p.read_bytes()) for p in sorted(DUMPS.glob("*.txt"))]
    for p in sorted(PROFILES.iterdir()):
        if p.suffix != ".yaml":
            data = p.read_bytes()
            out.append(Seed("profile", p.name, gzip.decompress(data) if p.name.endswith(".gz") else data))
    for entry in load_knowledge_base().entries.values():
        for which in ("leaky", "fixed"):
            code = getattr(entry.code, which, "") if entry.code else ""
            if code:
                out.append(Seed("code", f"{entry.id}.{which}.go", code.encode()))
    out += [Seed("text", f"text{i}", t.encode()) for i, t in enumerate(FREE_TEXT)]
    return out


def _flip(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)


def _truncate(data: bytearray, rng: random.Random) -> None:
    del data[rng.randrange(len(data) + 1) :]


def _insert_hostile(data: bytearray, rng: random.Random) -> None:
    # Into names: right after a dot, an open paren or the start of a line, where
    # function names, packages and labels are.
    text = rng.choice(HOSTILE).encode("utf-8", "surrogatepass")
    spots = [m.end() for m in re.finditer(rb"[.(\n/=]", bytes(data[:20000]))] or [0]
    for _ in range(rng.randint(1, 4)):
        at = rng.choice(spots)
        data[at:at] = text


def _nest(data: bytearray, rng: random.Random) -> None:
    depth = rng.choice([50, 500, 3000, 20000])
    opener = rng.choice([b"{", b"if x {", b"(", b"[", b"func() {", b"for {", b"switch {\ncase true:"])
    closer = {b"(": b")", b"[": b"]"}.get(opener, b"}")
    body = b"\n".join([opener] * depth) + b"\n" + b"\n".join([closer] * rng.choice([0, depth]))
    at = rng.randrange(len(data) + 1)
    data[at:at] = b"\nfunc nested() {\n" + body + b"\n}\n"


def _long_line(data: bytearray, rng: random.Random) -> None:
    unit = rng.choice([b"a", b"x.", b"f(", b"+1", b"\t", b" ", b"goroutine 1 [", b"a.b.c.d", b"0x"])
    at = rng.randrange(len(data) + 1)
    data[at:at] = unit * (rng.choice([10_000, 100_000, 400_000]) // len(unit))


def _nuls(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 5)):
        data.insert(rng.randrange(len(data) + 1), 0)


def _cr_only(data: bytearray, rng: random.Random) -> None:
    data[:] = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def _bad_utf8(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc2\x9b", b"\x80"])


def _duplicate(data: bytearray, rng: random.Random) -> None:
    if data:
        start = rng.randrange(len(data))
        piece = data[start : start + rng.randint(1, 4000)]
        data.extend(piece * rng.randint(1, 50))


def _huge_number(data: bytearray, rng: random.Random) -> None:
    spots = [m.start() for m in re.finditer(rb"\d+", bytes(data[:20000]))] or [0]
    at = rng.choice(spots)
    data[at:at] = rng.choice([b"9" * 400, b"-1", b"18446744073709551616", b"1e999"])


MUTATIONS = [_flip, _truncate, _insert_hostile, _nest, _long_line, _nuls, _cr_only, _bad_utf8, _duplicate, _huge_number]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` after one to three random edits, and sometimes wrapped in (damaged) gzip."""
    out = bytearray(data)
    for edit in rng.sample(MUTATIONS, rng.randint(1, 3)):
        edit(out, rng)
    if rng.random() < 0.12:
        packed = bytearray(gzip.compress(bytes(out), mtime=0))
        choice = rng.random()
        if choice < 0.4:
            del packed[rng.randrange(2, len(packed)) :]
        elif choice < 0.8:
            _flip(packed, rng)
        out = packed
    return bytes(out)


@dataclass(frozen=True)
class Outcome:
    args: tuple[str, ...]
    status: int | str  # exit status, or the exception that escaped
    stdout: bytes
    stderr: bytes
    seconds: float  # processor time of this process: the machine's other load does not count

    def problems(self, time_limit: float = TIME_LIMIT_SECONDS) -> list[str]:
        """What in this outcome breaks the contract (empty when all is well)."""
        found = []
        if self.status not in (0, 1, 2):
            found.append(f"exit status {self.status!r}")
        for name, stream in (("stdout", self.stdout), ("stderr", self.stderr)):
            text = stream.decode("utf-8", errors="replace")
            if "\ufffd" in text and "\ufffd".encode() not in stream:
                found.append(f"{name} is not UTF-8")
            hit = CONTROL.search(text)
            if hit:
                found.append(f"{name} has control character {hit.group()!r} at {hit.start()}")
        err_lines = self.stderr.decode("utf-8", "replace").strip().splitlines()
        if self.status == 2 and (len(err_lines) != 1 or not err_lines[0].startswith("goleakhelp: ")):
            found.append(f"exit 2 without one 'goleakhelp: ' line on stderr: {err_lines[:3]!r}")
        if b"Traceback" in self.stderr or b"internal error" in self.stderr:
            found.append("traceback or internal error")
        if self.seconds > time_limit:
            found.append(f"took {self.seconds:.1f} s")
        return found


def run_main(args: list[str], stdin: bytes = b"") -> Outcome:
    """`goleakhelp ARGS < stdin` in this process, as main() runs it for a user."""
    from goleakhelp.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    err_text = io.TextIOWrapper(err, encoding="utf-8", errors="strict", write_through=True)
    saved = sys.argv, sys.stdin, sys.stdout, sys.stderr
    sys.argv = ["goleakhelp", *args]
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out_text, err_text
    start = time.process_time()
    status: int | str
    try:
        main()
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BaseException as exc:  # the contract is broken: report it, do not stop the run
        status = f"{type(exc).__name__}: {exc}"
    finally:
        seconds = time.process_time() - start
        with contextlib.suppress(Exception):
            out_text.flush()
            err_text.flush()
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved
    return Outcome(tuple(args), status, out.getvalue(), err.getvalue(), seconds)


def commands_for(seed: Seed, data: bytes, workdir: Path) -> list[tuple[list[str], bytes]]:
    """The commands a mutated input is given to: as a file and through stdin."""
    if seed.kind == "dump":
        path = workdir / "input.txt"
        path.write_bytes(data)
        return [(["dump", str(path)], b""), (["dump", "--json", "-"], data), (["explain", "-"], data)]
    if seed.kind == "profile":
        path = workdir / "profile"
        path.write_bytes(data)
        return [(["explain", str(path)], b""), (["explain", "--json", "-"], data), (["dump", "-"], data)]
    if seed.kind == "code":
        path = workdir / "input.go"
        path.write_bytes(data)
        return [(["code", str(path)], b""), (["code", "--format", "sarif", "-"], data), (["explain", "-"], data)]
    query = data[:2000].decode("utf-8", errors="replace")
    return [(["search", query or "x"], b""), (["explain", "-"], data), (["chat", "--lang", "en"], data[:20000])]


def environment(cache: Path) -> None:
    """Isolate the run from the user's cache, data and KB folders, and from colour settings."""
    os.environ["GOLEAKHELP_CACHE_DIR"] = str(cache / "cache")
    os.environ["GOLEAKHELP_DATA_DIR"] = str(cache / "data")
    for var in ("GOLEAKHELP_KB_PATH", "FORCE_COLOR", "GOLEAKHELP_DEBUG"):
        os.environ.pop(var, None)


@dataclass(frozen=True)
class Failure:
    seed_name: str
    rng_seed: int
    input: bytes
    outcome: Outcome
    problems: tuple[str, ...]


def fuzz_one(seed: Seed, rng_seed: int, workdir: Path, time_limit: float = TIME_LIMIT_SECONDS) -> list[Failure]:
    """Mutate `seed` with Random(rng_seed), run every command on it, and return what broke."""
    data = mutate(seed.data, random.Random(rng_seed))
    failures = []
    for args, stdin in commands_for(seed, data, workdir):
        outcome = run_main(args, stdin)
        problems = outcome.problems(time_limit)
        if problems:
            failures.append(Failure(seed.name, rng_seed, data, outcome, tuple(problems)))
    return failures


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="goleakhelp-fuzz-"))
