"""Scripted chat has a bound on how much it answers, and says where it stopped."""

from __future__ import annotations

from goleakhelp.assistant.repl import MAX_SCRIPTED_MESSAGES
from tests.conftest import run_cli


def test_piped_lines_past_the_limit_are_not_answered_and_the_user_is_told(monkeypatch, capsys):
    lines = "".join(f"goroutine leak {i}\n" for i in range(MAX_SCRIPTED_MESSAGES + 7))
    code, out, _ = run_cli(monkeypatch, capsys, "chat", "--lang", "en", stdin=lines.encode())
    assert code == 1
    assert out.count("› goroutine leak") == MAX_SCRIPTED_MESSAGES
    assert "the other 7 were not answered" in " ".join(out.split())


def test_within_the_limit_everything_is_answered(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "chat", "--lang", "en", stdin=b"goroutine leak\ntoo many open files\n")
    assert code == 0 and out.count("› ") == 2 and "not answered" not in out
