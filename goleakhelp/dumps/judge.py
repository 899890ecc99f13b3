"""How suspicious a goroutine group is, from evidence a person would weigh.

The rules in SUSPICION_RULES run in order. The first few settle the level outright: the
runtime's own (leaked) mark, growth since a base dump, a KB entry for normal goroutines,
goroutines that are working rather than blocked, and a deadlock the runtime declared.
The others add points: how many goroutines (absolute and as a share of all), how long
they have waited, a match to a known leak pattern, a hang the process was killed for,
and, in an excerpt, which cannot show counts, a goroutine blocked in the program's own
code or in a frame a KB signature names. A modest group that one goroutine created, idle in a receive or select, looks like
a fixed worker pool and is capped at low: one dump cannot tell it from a leak, two can
(`goleakhelp dump --base OLD NEW`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from goleakhelp.dumps.match import FRAME_POINTS, STATE_POINTS, Match
from goleakhelp.dumps.model import DEADLOCK, SIGQUIT, TEST_TIMEOUT, Dump, GoroutineGroup, UserCode

LEVELS = ("none", "low", "medium", "high")
# Statuses of goroutines that are doing work, not waiting for something (and the GC's own states).
ACTIVE = {"running", "runnable", "copystack", "preempted", "idle", "dead"}
POOL_STATES = {"chan receive", "select"}
POOL_MAX = 64

LEAK_REPORTERS = {
    "goleak": "goleak found {n} of {count} still running after the test",
    "synctest": "testing/synctest found {n} of {count} durably blocked when the bubble ended",
}
DEFAULT_REPORTER = "the runtime marked {n} of {count} as leaked (goroutineleak profile)"


@dataclass(frozen=True)
class Verdict:
    level: str  # one of LEVELS
    reasons: tuple[str, ...]


@dataclass
class Case:
    """What one group is judged on. `dump` gives the form, the context and whether it is an excerpt."""

    group: GoroutineGroup
    dump: Dump
    matches: list[Match]
    growth: int | None = None  # goroutines more than in a base dump; None without one
    user: UserCode = field(default_factory=UserCode)
    points: int = 0
    reasons: list[str] = field(default_factory=list)
    level: str | None = None  # set by a rule that settles it
    capped: bool = False

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    apply: Callable[[Case], None]


def _leaked_mark(c: Case) -> None:
    if c.group.leaked:
        reporter = LEAK_REPORTERS.get(c.dump.format, DEFAULT_REPORTER)
        c.reasons.append(reporter.format(n=c.group.leaked, count=c.group.count))
        c.level = "high"


def _growth(c: Case) -> None:
    if c.growth is not None and c.growth > 0:
        c.reasons.append(f"grew by {c.growth} since the base dump")
        c.level = "high" if c.growth >= 10 or (c.growth >= 3 and c.growth >= c.group.count / 2) else "medium"


def _known_normal(c: Case) -> None:
    if c.best is not None and c.best.kind == "not-a-leak":
        c.reasons.append(f"matches {c.best.id}: goroutines that are normal in a healthy program")
        c.level = "none"


def _active(c: Case) -> None:
    state = c.group.state
    if state in ACTIVE or state.startswith("GC "):
        c.reasons.append(f"{state}: doing work, not blocked")
        c.level = "none"


def _deadlock(c: Case) -> None:
    if c.dump.context == DEADLOCK and c.group.state:
        c.reasons.append("the runtime found every goroutine asleep (fatal error: deadlock): these are blocked forever")
        c.level = "high"


def _count(c: Case) -> None:
    if not c.dump.shows.counts:
        return
    n = c.group.count
    c.points += 3 if n >= 1000 else 2 if n >= 100 else 1 if n >= 10 else 0
    if n >= 10:
        c.reasons.insert(0, f"{n} goroutines at the same place")


def _share(c: Case) -> None:
    share = c.group.count / c.dump.total if c.dump.total else 0.0
    if c.dump.shows.counts and c.group.count >= 10 and share >= 0.5:
        c.points += 1
        c.reasons.append(f"{share:.0%} of all goroutines are here")


def _wait_minutes(c: Case) -> None:
    high = c.group.wait_minutes[1]
    if high >= 30:
        c.points += 2
    elif high >= 5:
        c.points += 1
    if high >= 5:
        c.reasons.append(f"blocked for up to {high} minutes")


def _pattern(c: Case) -> None:
    if c.best is not None:
        c.points += 1
        c.reasons.append(f"fits the leak pattern {c.best.id}")


def _hang(c: Case) -> None:
    if c.dump.context in (TEST_TIMEOUT, SIGQUIT) and (c.group.state not in ("", "syscall") or c.best is not None):
        what = "the test timed out" if c.dump.context == TEST_TIMEOUT else "the process was sent SIGQUIT (a hang)"
        c.points += 2
        c.reasons.append(f"{what}: blocked goroutines like these are what hangs")


def _excerpt_user_block(c: Case) -> None:
    if not c.dump.excerpt or not c.group.state:
        return
    user = c.user.frame(c.group.frames)
    if user is not None:
        c.points += 1
        c.reasons.append(f"blocked in [{c.group.state}] from the program's own code ({user.function}); an excerpt cannot show how many there are")


def _excerpt_named_frame(c: Case) -> None:
    if c.dump.excerpt and c.best is not None and c.best.points >= STATE_POINTS + FRAME_POINTS:
        c.points += 1
        c.reasons.append(f"blocked where {c.best.id} names its frames; an excerpt cannot show how many there are")


def _worker_pool(c: Case) -> None:
    g = c.group
    if (
        g.state in POOL_STATES
        and g.parent_count == 1
        and g.count <= POOL_MAX
        and g.wait_minutes[1] < 30
        and c.dump.shows.counts
        and c.dump.context not in (TEST_TIMEOUT, SIGQUIT)
        and _level(c.points) in ("medium", "high")
    ):
        c.reasons.append(
            f"all {g.count} were started by goroutine {g.parent_ids[0]}: this may be a fixed worker pool;"
            " compare with an earlier dump (--base) to see whether it grows"
        )
        c.capped = True


SUSPICION_RULES: tuple[Rule, ...] = (
    Rule("leaked-mark", "the runtime, goleak or synctest marked the goroutines leaked: high", _leaked_mark),
    Rule("growth", "more goroutines than in the base dump: medium, high when it grew a lot", _growth),
    Rule("known-normal", "the best match is a KB entry for normal goroutines: none", _known_normal),
    Rule("active", "running or runnable goroutines are working, not blocked: none", _active),
    Rule("deadlock", "after `fatal error: all goroutines are asleep` every blocked goroutine is blocked forever: high", _deadlock),
    Rule("count", "10, 100, 1000 goroutines at one place: 1, 2, 3 points (forms that show counts)", _count),
    Rule("share", "half of all goroutines at one place: 1 point", _share),
    Rule("wait-minutes", "blocked 5 minutes: 1 point; 30 minutes: 2", _wait_minutes),
    Rule("pattern", "fits a known leak pattern: 1 point", _pattern),
    Rule("hang", "a test timeout or a SIGQUIT of a hung process: 2 points for what is blocked", _hang),
    Rule("excerpt-user-block", "in an excerpt, blocked in the program's own code: 1 point", _excerpt_user_block),
    Rule("excerpt-named-frame", "in an excerpt, blocked in a frame a matching KB signature names: 1 point", _excerpt_named_frame),
    Rule("worker-pool", "a small group one goroutine started, idle in receive or select: at most low", _worker_pool),
)


def _level(points: int) -> str:
    return "high" if points >= 4 else "medium" if points >= 2 else "low" if points >= 1 else "none"


def judge(group: GoroutineGroup, dump: Dump, matches: list[Match], growth: int | None = None, rules=None, user: UserCode = UserCode()) -> Verdict:
    case = Case(group, dump, matches, growth, user)
    for rule in SUSPICION_RULES if rules is None else rules:
        rule.apply(case)
        if case.level is not None:
            return Verdict(case.level, tuple(case.reasons))
    level = _level(case.points)
    if case.capped and level in ("medium", "high"):
        level = "low"
    return Verdict(level, tuple(case.reasons))
