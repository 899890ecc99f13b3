"""Give hand-made hostile inputs of about 1 MB to every command and print the processor
time each one takes, with its exit status and last line on stderr (the README's "Bad input
and limits" figures). The fuzzer (scripts/fuzz.py) mutates real inputs; these are the
shapes it is unlikely to reach: a megabyte of one bracket, of NULs, of CRs, of escape
sequences, random bytes, a dump's frames repeated, thousands of defers in one loop.

    python scripts/hostile_inputs.py [--size 1000000]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import fuzz_harness  # noqa: E402

DUMP_BLOCK = (
    "goroutine 7 [chan send, 50 minutes]:\nmain.worker(0xc000010000)\n\t/app/main.go:12 +0x45\n"
    "created by main.main in goroutine 1\n\t/app/main.go:8 +0x30\n\n"
)


def shapes(size: int) -> dict[str, bytes]:
    rnd = random.Random(7)
    words = [b"goroutine", b"leak", b"chan", "泄露".encode(), b"timer"]
    return {
        "parens": b"(" * size,
        "braces": b"{" * size,
        "brackets closed": b"[" * (size // 2) + b"]" * (size // 2),
        "func lines": b"package p\n" + b"func() {\n" * (size // 9),
        "random bytes": rnd.randbytes(size),
        "one long line": b"a" * size,
        "words": b" ".join(rnd.choice(words) for _ in range(size // 6)),
        "dump blocks": (DUMP_BLOCK * (size // len(DUMP_BLOCK))).encode(),
        "dump header line": b"goroutine 1 [" + b"chan send, " * (size // 11) + b"]:\n",
        "dump frames": b"goroutine 1 [running]:\n" + b"main.f(...)\n\t/a.go:1 +0x1\n" * (size // 26),
        "escape sequences": b"\x1b[31m" * (size // 5),
        "NULs": b"\x00" * size,
        "CRs": b"\r" * size,
        "Go selects": b"package p\nfunc f(c chan int) {\n" + b"select { case <-c: default: }\n" * (size // 31) + b"}\n",
        "Go if-else chain": b"package p\nfunc f(x int) {\n" + b"if x > 0 { x-- } else " * (size // 23) + b"{}\n}\n",
        "Go defers in a loop": b'package p\nimport "os"\nfunc f() {\n for i := 0; i < 3; i++ {\n'
        + b'  f, _ := os.Open("a"); defer f.Close()\n' * (size // 40)
        + b" }\n}\n",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = fuzz_harness.scratch_dir()
    fuzz_harness.environment(workdir)
    path = workdir / "input"
    slowest, broken = 0.0, 0
    for name, data in shapes(args.size).items():
        path.write_bytes(data)
        runs = [(["dump", str(path)], b""), (["explain", str(path)], b""), (["code", str(path)], b""), (["heap", str(path)], b"")]
        runs += [(["search", data[:2000].decode("utf-8", "replace") or "x"], b""), (["chat", "--lang", "en"], data[:20000])]
        for command, stdin in runs:
            outcome = fuzz_harness.run_main(command, stdin)
            problems = outcome.problems()
            broken += bool(problems)
            slowest = max(slowest, outcome.seconds)
            last = (outcome.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            print(f"{name:20} {command[0]:8} {outcome.seconds:6.2f} s  exit {outcome.status}  {'; '.join(problems) or last[:90]}", flush=True)
    print(f"slowest command: {slowest:.2f} s; commands breaking the contract: {broken}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
