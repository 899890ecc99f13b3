"""Scripted chat has a bound on how much it answers, and says where it stopped."""

from __future__ import annotations

from goleakhelp.chat_loop import MAX_SCRIPTED_MESSAGES
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


def test_the_assistant_core_imports_no_renderer():
    # The core returns replies and the chat loop (the command line's face) renders them;
    # the assistant once imported a renderer that imported it back.
    import ast
    from pathlib import Path

    import goleakhelp.assistant

    imported = set()
    for path in Path(goleakhelp.assistant.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    assert [pair for pair in imported if pair[1].startswith(("goleakhelp.render", "goleakhelp.cli", "goleakhelp.chat_loop"))] == []
