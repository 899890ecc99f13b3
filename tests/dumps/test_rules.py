"""Every matching and suspicion rule, each with a case whose outcome changes when the rule is removed."""

from __future__ import annotations

import pytest

from goleakhelp.dumps import judge as judge_module
from goleakhelp.dumps import match as match_module
from goleakhelp.dumps.judge import SUSPICION_RULES, judge
from goleakhelp.dumps.match import MATCH_RULES, Evidence, Match, signature_evidence
from goleakhelp.dumps.model import DEADLOCK, SIGQUIT, Dump, Frame, GoroutineGroup, Shows
from goleakhelp.knowledge.entry import DumpSignature

FULL = Shows(ids=True, wait_states=True, creators=True, counts=True)


def group(state="chan send", count=1, frames=("main.send.func1",), creator="main.send", parents=(7,), minutes=0, leaked=0):
    return GoroutineGroup(
        frames=tuple(Frame(fn, f"/src/{fn.split('.')[0]}.go", 10) for fn in frames),
        created_by=Frame(creator, "/src/main.go", 5) if creator else None,
        count=count,
        states=((state, count),),
        wait_minutes=(minutes, minutes),
        leaked=leaked,
        durable=0,
        locked_to_thread=0,
        ids=(),
        parent_ids=parents,
        parent_count=len(parents),
        labels=(),
        frames_elided=False,
    )


def dump(total, context="", excerpt=False):
    shows = Shows(True, True, True, counts=not excerpt)
    return Dump("text", "goroutine-text", (), total, shows, context=context, excerpt=excerpt)


def sig(**kw):
    base = {"states": (), "frames": (), "created_by": None}
    base.update(kw)
    return DumpSignature(**base)


READLOOP = r"^net/http\.\(\*persistConn\)\.readLoop$"
MATCH_CASES = {
    "state": (sig(states=("chan receive",)), group("chan send"), Evidence()),
    "frames": (sig(states=("chan send",), frames=(READLOOP,)), group("chan send"), Evidence()),
    "user-code": (sig(states=("select",)), group("select", frames=("net/http.(*persistConn).readLoop",), creator="net/http.(*Transport).dialConn"), Evidence()),
    "min-count": (sig(min_count=1000), group("chan send", count=3), Evidence()),
    "creator": (sig(states=("select",), frames=(READLOOP,), created_by=r"\(\*Transport\)\.dialConn"), group("select", frames=("net/http.(*persistConn).readLoop",), creator="main.leak"), Evidence()),
    "source": (sig(states=("chan receive",), source=(r"\bfor\b.*\brange\b",)), group("chan receive"), Evidence(source_line="v := <-ch")),
    "context": (sig(states=("chan send",), context=(r"\bgo\s+\w+\(\w+, wg\)",)), group("chan send"), Evidence("ch <- v", "func f() {\n\tgo notify(u, wg)\n}")),
    "specificity": (sig(states=("chan send",), specificity=1.0), group("chan send"), Evidence()),
}


def test_every_match_rule_has_a_case():
    assert {r.id for r in MATCH_RULES} == set(MATCH_CASES)


@pytest.mark.parametrize("rule_id", list(MATCH_CASES))
def test_removing_a_match_rule_changes_its_case(rule_id):
    signature, g, known = MATCH_CASES[rule_id]
    with_rule = signature_evidence(signature, g, known)
    without = signature_evidence(signature, g, known, rules=[r for r in MATCH_RULES if r.id != rule_id])
    assert with_rule != without, rule_id
    assert without is not None  # the case is about this rule, not another one


PATTERN = [Match("chan-send-orphan", "pattern", 0.3, ())]
SUSPICION_CASES = {
    "leaked-mark": (group(leaked=1), dump(50), [], None, "high"),
    "growth": (group(count=20), dump(500), [], 20, "high"),
    "known-normal": (group(count=200), dump(1000), [Match("idle-goroutines", "not-a-leak", 0.5, ())], None, "none"),
    "active": (group("running", count=200), dump(1000), [], None, "none"),
    "deadlock": (group("chan receive"), dump(3, context=DEADLOCK), [], None, "high"),
    "count": (group(count=1000), dump(1000), [], None, "high"),
    "share": (group(count=10), dump(12), [], None, "medium"),
    "wait-minutes": (group(minutes=45), dump(50), [], None, "medium"),
    "pattern": (group(count=10), dump(100), PATTERN, None, "medium"),
    "hang": (group(), dump(50, context=SIGQUIT), [], None, "medium"),
    "excerpt-user-block": (group(), dump(1, excerpt=True), PATTERN, None, "medium"),
    "excerpt-named-frame": (
        group("select", frames=("net/http.(*persistConn).readLoop",), creator="net/http.(*Transport).dialConn"),
        dump(3, excerpt=True),
        [Match("http-body-unclosed", "pattern", 0.7, (), 5.5)],
        None,
        "medium",
    ),
    "worker-pool": (group("chan receive", count=20), dump(30), PATTERN, None, "low"),
}


def test_every_suspicion_rule_has_a_case():
    assert {r.id for r in SUSPICION_RULES} == set(SUSPICION_CASES)


@pytest.mark.parametrize("rule_id", list(SUSPICION_CASES))
def test_removing_a_suspicion_rule_changes_its_case(rule_id):
    g, d, matches, growth, level = SUSPICION_CASES[rule_id]
    assert judge(g, d, matches, growth).level == level
    without = judge(g, d, matches, growth, rules=[r for r in SUSPICION_RULES if r.id != rule_id])
    assert without.level != level, rule_id


def test_rules_are_listed_with_a_summary():
    for rule in (*MATCH_RULES, *SUSPICION_RULES):
        assert rule.id and rule.summary and callable(rule.apply)
    assert match_module.MATCH_RULES is MATCH_RULES and judge_module.SUSPICION_RULES is SUSPICION_RULES


def test_the_kb_names_library_frames_that_are_not_the_users(entries):
    """A vendored or -trimpath build leaves no @v in a library's paths; the KB's
    `dump.library_frames` keep those frames from passing for the program's own."""
    from goleakhelp.dumps.model import UserCode

    grpc = group("select", frames=("google.golang.org/grpc/internal/transport.(*controlBuffer).get",), creator=None)
    user_only = sig(states=("select",))
    assert signature_evidence(user_only, grpc) is not None
    libraries = tuple(p for e in entries for p in e.dump_library_frames)
    assert libraries
    assert signature_evidence(user_only, grpc, user=UserCode(libraries)) is None
