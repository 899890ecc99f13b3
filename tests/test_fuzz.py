"""A short, fixed-seed run of the mutation fuzzer over every command that reads user input.

Real runtime-written dumps, the KB's Go examples and free text are mutated (byte flips,
truncation, deep nesting, long lines, NULs, CR-only line ends, invalid UTF-8, gzip framing,
markup and escape sequences in names) and given to dump, explain, code, search and chat in
process. Every outcome must keep the contract: exit 0, 1 or 2, one line on stderr for 2, no
control character in the output, and done within the time bound. scripts/fuzz.py runs the
same fuzzer for as long as asked.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests import fuzz_harness

SEEDS = fuzz_harness.seeds()
EXAMPLES = {"dump": 12, "profile": 8, "code": 12, "text": 10}


def _check(seed: fuzz_harness.Seed, rng_seed: int, workdir) -> None:
    failures = fuzz_harness.fuzz_one(seed, rng_seed, workdir)
    assert not failures, "\n".join(
        f"{f.seed_name} (random seed {f.rng_seed}): goleakhelp {' '.join(f.outcome.args[:1])}: {'; '.join(f.problems)}"
        for f in failures
    )


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_mutated_inputs_keep_the_contract(kind, tmp_path):
    seeds = [s for s in SEEDS if s.kind == kind]
    assert seeds, f"no {kind} seeds"

    @settings(
        max_examples=EXAMPLES[kind],
        derandomize=True,  # the same inputs on every run
        deadline=None,  # the contract's own time bound is checked per command instead
        database=None,
        phases=[Phase.explicit, Phase.generate],  # shrinking a random seed teaches nothing
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.sampled_from(seeds), st.integers(min_value=0, max_value=2**32 - 1))
    def fuzz(seed, rng_seed):
        _check(seed, rng_seed, tmp_path)

    fuzz()


def test_the_harness_catches_a_broken_contract():
    """The checks themselves can fail: a control byte, a traceback, a bad status, slowness."""
    bad = fuzz_harness.Outcome(("dump",), "ValueError: x", b"ok \x1b[2J", b"Traceback ...", 9.0)
    problems = " ".join(bad.problems(time_limit=5))
    for expected in ("exit status", "control character", "traceback", "took"):
        assert expected in problems
    two_lines = fuzz_harness.Outcome(("dump",), 2, b"", b"goleakhelp: a\nb\n", 0.1)
    assert two_lines.problems()
    assert not fuzz_harness.Outcome(("dump",), 2, b"", b"goleakhelp: bad input\n", 0.1).problems()
