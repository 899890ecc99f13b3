"""How suspicious a goroutine group is, from evidence a person would weigh.

The runtime's own (leaked) mark settles it. Otherwise: goroutines the KB knows as
normal, and goroutines that are running rather than blocked, are not suspicious;
blocked ones become more suspicious with their number (absolute and as a share of
all goroutines), how long they have waited, and a match to a known leak pattern. A
modest group that one goroutine created, idle in a receive or select, looks like a
fixed worker pool and is capped at low: one dump cannot tell it from a leak, two can
(`goleakhelp dump --base OLD NEW`).
"""

from __future__ import annotations

from dataclasses import dataclass

from goleakhelp.dumps.group import GoroutineGroup
from goleakhelp.dumps.match import Match

LEVELS = ("none", "low", "medium", "high")
# Statuses of goroutines that are doing work, not waiting for something (and the GC's own states).
ACTIVE = {"running", "runnable", "copystack", "preempted", "idle", "dead"}
POOL_STATES = {"chan receive", "select"}
POOL_MAX = 64


@dataclass(frozen=True)
class Verdict:
    level: str  # one of LEVELS
    reasons: tuple[str, ...]


LEAK_REPORTERS = {
    "goleak": "goleak found {n} of {count} still running after the test",
    "synctest": "testing/synctest found {n} of {count} durably blocked when the bubble ended",
}
DEFAULT_REPORTER = "the runtime marked {n} of {count} as leaked (goroutineleak profile)"


def judge(group: GoroutineGroup, total: int, matches: list[Match], growth: int | None = None, form: str = "") -> Verdict:
    """`growth`: how many more goroutines this group has than in a base dump (None without one);
    `form`: the dump's format, which says who marked goroutines leaked."""
    reasons: list[str] = []
    share = group.count / total if total else 0.0
    if group.leaked:
        reporter = LEAK_REPORTERS.get(form, DEFAULT_REPORTER)
        reasons.append(reporter.format(n=group.leaked, count=group.count))
        return Verdict("high", tuple(reasons))
    if growth is not None and growth > 0:
        reasons.append(f"grew by {growth} since the base dump")
        level = "high" if growth >= 10 or (growth >= 3 and growth >= group.count / 2) else "medium"
        return Verdict(level, tuple(reasons))
    best = matches[0] if matches else None
    if best is not None and best.kind == "not-a-leak":
        reasons.append(f"matches {best.id}: goroutines that are normal in a healthy program")
        return Verdict("none", tuple(reasons))
    if group.state in ACTIVE or group.state.startswith("GC "):
        reasons.append(f"{group.state}: doing work, not blocked")
        return Verdict("none", tuple(reasons))

    points = 0
    if group.count >= 1000:
        points += 3
    elif group.count >= 100:
        points += 2
    elif group.count >= 10:
        points += 1
    if group.count >= 10 and share >= 0.5:
        points += 1
        reasons.append(f"{share:.0%} of all goroutines are here")
    low, high = group.wait_minutes
    if high >= 30:
        points += 2
        reasons.append(f"blocked for up to {high} minutes")
    elif high >= 5:
        points += 1
        reasons.append(f"blocked for up to {high} minutes")
    if best is not None:
        points += 1
        reasons.append(f"fits the leak pattern {best.id}")
    if group.count >= 10:
        reasons.insert(0, f"{group.count} goroutines at the same place")
    level = "high" if points >= 4 else "medium" if points >= 2 else "low" if points >= 1 else "none"
    if (
        level in ("medium", "high")
        and group.state in POOL_STATES
        and group.parent_count == 1
        and group.count <= POOL_MAX
        and high < 30
    ):
        reasons.append(
            f"all {group.count} were started by goroutine {group.parent_ids[0]}: this may be a fixed worker pool;"
            " compare with an earlier dump (--base) to see whether it grows"
        )
        level = "low"
    return Verdict(level, tuple(reasons))
