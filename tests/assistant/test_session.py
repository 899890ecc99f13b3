"""The chat session's core: answers come from the KB and the analyses, follow-ups refer to the last answer."""

from __future__ import annotations

import pytest

from goleakhelp.assistant.reply import Say, ShowCheatsheet, ShowCodeFinding, ShowDumpGroup, ShowEntry, ShowExplanation
from goleakhelp.assistant.session import Session
from tests.dumps.conftest import fixture_text


@pytest.fixture
def session(kb, index_handle):
    return Session(kb, index=index_handle)


def _explanation(reply):
    return next(p.explanation for p in reply.parts if isinstance(p, ShowExplanation))


def test_question_is_searched_and_names_its_sources(session):
    reply = session.handle("why does time.After in a loop leak?")
    result = _explanation(reply)
    assert result.route == "search" and result.result.hits[0].id == "time-after-loop"
    assert reply.sources[0] == "time-after-loop"
    assert reply.followups


def test_followups_refer_to_the_last_answer(session):
    session.handle("why does time.After in a loop leak?")
    fix = session.handle("show the fix")
    assert fix.parts == (ShowEntry("time-after-loop", ("fix", "fixed")),)
    why = session.handle("why?")
    assert why.parts == (ShowEntry("time-after-loop", ("why",)),)
    second = session.handle("2")
    picked = second.parts[0]
    assert isinstance(picked, ShowEntry) and picked.entry_id == session.items[1].entry_id
    # "fix" now refers to the picked item.
    assert session.handle("fix").parts[0].entry_id == picked.entry_id


def test_more_pages_through_search_results_then_shows_the_entry(session):
    session.handle("memory keeps growing")
    first = len(session.items)
    more = session.handle("more")
    page = more.parts[0]
    assert isinstance(page, ShowExplanation) and page.first == first
    assert len(session.items) > first


@pytest.mark.parametrize(("message", "sections"), [("怎么修", ("fix", "fixed")), ("为什么", ("why",)), ("代码", ("leaky", "fixed"))])
def test_chinese_followups(session, message, sections):
    session.handle("goroutine 数量一直增长怎么办")
    assert session.lang == "zh"
    assert session.handle(message).parts[0].sections == sections
    assert isinstance(session.handle("第2个").parts[0], ShowEntry)


def test_followup_without_an_answer_says_so(session):
    reply = session.handle("fix")
    assert isinstance(reply.parts[0], Say) and reply.parts[0].tone == "warn"
    assert session.handle("3").parts[0].tone == "warn"


def test_pick_out_of_range(session):
    session.handle("why does time.After in a loop leak?")
    reply = session.handle("42")
    assert reply.parts[0].tone == "warn" and "1" in reply.parts[0].text


def test_pasted_dump_is_analysed_and_groups_can_be_picked(session):
    reply = session.handle(fixture_text("chan-send-orphan.debug2.txt"))
    assert _explanation(reply).route == "dump"
    assert reply.sources == ("chan-send-orphan",)
    group = session.handle("1").parts[0]
    assert isinstance(group, ShowDumpGroup)
    assert session.handle("fix").parts[0].entry_id == "chan-send-orphan"


def test_pasted_code_is_analysed_and_findings_can_be_picked(session, kb):
    reply = session.handle(kb.entries["http-body-unclosed"].code.leaky)
    assert _explanation(reply).route == "code"
    assert "http-body-unclosed" in reply.sources
    n = next(i for i, item in enumerate(session.items, 1) if item.entry_id == "http-body-unclosed")
    parts = session.handle(str(n)).parts
    assert isinstance(parts[0], ShowCodeFinding) and parts[1].entry_id == "http-body-unclosed"


def test_slash_commands(session):
    assert session.handle("/help").parts[0].text.startswith("Ask a question")
    assert isinstance(session.handle("/cheatsheet").parts[0], ShowCheatsheet)
    assert session.handle("/show nil-chan").parts == (ShowEntry("nil-chan"),)
    assert session.focus == "nil-chan"
    unknown = session.handle("/show nil-chann").parts[0]
    assert unknown.tone == "error" and "nil-chan" in unknown.text
    assert session.handle("/lang zh").parts[0].text == "现在用中文回答。" and session.lang == "zh"
    assert session.handle("/lang fr").parts[0].tone == "error"
    session.handle("/clear")
    assert session.focus is None and session.items == []
    assert session.handle("/nope").parts[0].tone == "error"
    assert session.handle("/quit").quit


def test_lang_chosen_by_the_user_is_kept(kb, index_handle):
    session = Session(kb, "en", lang_fixed=True, index=index_handle)
    session.handle("goroutine 数量一直增长怎么办")
    assert session.lang == "en"


def test_bad_input_gets_a_message_and_the_session_goes_on(session):
    assert session.handle("\x00\x01\x02" * 1000).parts[0].tone == "error"
    junk = session.handle("lorem ipsum dolor " * 60000)  # about a megabyte of prose
    assert junk.parts[0].tone == "error" and "not a goroutine dump" in junk.parts[0].text
    assert session.handle("x" * (9 * 1024 * 1024)).parts[0].tone == "error"
    assert session.handle("   ").parts == ()
    # Still answering.
    assert _explanation(session.handle("too many open files")).result.hits


def test_escape_sequences_in_a_question_are_not_kept(session):
    reply = session.handle("\x1b[2J\x1b]0;owned\x07why does \x1b[31mtime.After\x1b[0m leak?")
    assert _explanation(reply).detection.text == "why does time.After leak?"
