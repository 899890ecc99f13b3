"""Run the mutation fuzzer of tests/test_fuzz.py for as long as asked, and report the figures.

    python scripts/fuzz.py --count 10000                 # 10,000 inputs of each kind
    python scripts/fuzz.py --kinds code --count 500 --start 7000
    python scripts/fuzz.py --replay fuzz-failures/code-7042.json

Each input is a real seed (runtime-written dump, KB Go example, free text) mutated with
random.Random(N) for N from --start on; every command the input goes to is checked against
the contract (exit 0/1/2, one line for 2, no control character out, the time bound). Failing
inputs are saved under --out with what broke, so each one can be replayed and turned into a
regression test.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import fuzz_harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="inputs of each kind (default 1000)")
    parser.add_argument("--kinds", default="dump,profile,code,text", help="comma-separated: dump, profile, code, text")
    parser.add_argument("--start", type=int, default=0, help="first random seed")
    parser.add_argument("--time-limit", type=float, default=fuzz_harness.TIME_LIMIT_SECONDS)
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failing inputs are saved")
    parser.add_argument("--replay", type=Path, help="run one saved failure again and print its outcome")
    args = parser.parse_args()

    workdir = fuzz_harness.scratch_dir()
    fuzz_harness.environment(workdir)
    if args.replay:
        return _replay(args.replay, workdir, args.time_limit)

    seeds = fuzz_harness.seeds()
    print(f"goleakhelp fuzz: {len(seeds)} seeds; {args.count} inputs per kind from random seed {args.start}")
    total_failures = 0
    for kind in args.kinds.split(","):
        kind_seeds = [s for s in seeds if s.kind == kind]
        if not kind_seeds:
            raise SystemExit(f"unknown kind {kind!r}")
        times: list[float] = []
        problems: Counter[str] = Counter()
        failed_inputs = 0
        started = time.perf_counter()
        for n in range(args.start, args.start + args.count):
            seed = kind_seeds[n % len(kind_seeds)]
            run_started = time.perf_counter()
            failures = fuzz_harness.fuzz_one(seed, n, workdir, args.time_limit)
            times.append(time.perf_counter() - run_started)
            if failures:
                failed_inputs += 1
                _save(args.out, kind, n, failures)
                for f in failures:
                    for p in f.problems:
                        problems[f"{f.outcome.args[0]}: {p.split(':')[0][:60]}"] += 1
        elapsed = time.perf_counter() - started
        total_failures += failed_inputs
        print(
            f"{kind}: {args.count} inputs, {failed_inputs} failing, {elapsed:.0f} s; "
            f"per input (all its commands) median {statistics.median(times):.2f} s, max {max(times):.2f} s"
        )
        for what, count in problems.most_common():
            print(f"  {count:5d}  {what}")
    if total_failures:
        print(f"failing inputs saved under {args.out}/")
    return 1 if total_failures else 0


def _save(out: Path, kind: str, n: int, failures: list[fuzz_harness.Failure]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    first = failures[0]
    record = {
        "kind": kind,
        "seed": first.seed_name,
        "random_seed": n,
        "input_base64": base64.b64encode(first.input).decode(),
        "failures": [
            {
                "args": list(f.outcome.args),
                "status": f.outcome.status,
                "seconds": round(f.outcome.seconds, 2),
                "problems": list(f.problems),
                "stderr_tail": f.outcome.stderr[-500:].decode("utf-8", "replace"),
            }
            for f in failures
        ],
    }
    (out / f"{kind}-{n}.json").write_text(json.dumps(record, indent=2, ensure_ascii=True) + "\n")


def _replay(path: Path, workdir: Path, time_limit: float) -> int:
    record = json.loads(path.read_text())
    seed = next(s for s in fuzz_harness.seeds() if s.name == record["seed"])
    failures = fuzz_harness.fuzz_one(seed, record["random_seed"], workdir, time_limit)
    for f in failures:
        print(f"goleakhelp {' '.join(f.outcome.args)}: {'; '.join(f.problems)} ({f.outcome.seconds:.1f} s)")
    print("still failing" if failures else "passes now")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
