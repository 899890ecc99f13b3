"""The console every command prints through: no trailing spaces, whatever rich pads."""

from __future__ import annotations

import io

import pytest
from rich.console import Group
from rich.padding import Padding
from rich.style import Style
from rich.text import Text

from goleakhelp.render.console import safe_console
from tests.conftest import FIXTURES, run_cli


def rendered(*renderables, **options) -> str:
    out = io.StringIO()
    console = safe_console(file=out, width=60, **options)
    for r in renderables:
        console.print(r)
    return out.getvalue()


def test_padded_and_wrapped_text_has_no_trailing_spaces():
    words = "a goroutine waits on a channel that nobody will ever read from again " * 3
    text = rendered(Padding(Group(Text(words), Text("short")), (0, 0, 1, 2)), Text(words, style="bold"))
    assert text.splitlines() and all(line == line.rstrip(" ") for line in text.splitlines())
    assert "  short\n" in text  # leading indentation is kept


def test_spaces_with_a_background_are_kept():
    text = rendered(Text("code   ", style=Style(bgcolor="blue")), force_terminal=True, color_system="standard")
    assert "code   " in text


@pytest.mark.parametrize(
    "args",
    [
        ("code", str(FIXTURES / "code" / "safe_and_leaky.go")),
        ("show", "time-after-loop"),
        ("search", "goroutine blocked on channel send"),
        ("cheatsheet",),
        ("dump", str(FIXTURES / "dumps" / "chan-recv-orphan.debug2.txt")),
    ],
    ids=lambda a: a[0],
)
def test_command_output_has_no_trailing_spaces(monkeypatch, capsys, args):
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run_cli(monkeypatch, capsys, *args)
    lines = out.splitlines()
    assert len(lines) > 3
    assert [line for line in lines if line != line.rstrip()] == []


def test_code_in_show_keeps_its_lines_at_60_columns(monkeypatch, capsys):
    from goleakhelp.knowledge.loader import load_knowledge_base

    monkeypatch.setenv("COLUMNS", "60")
    entry = load_knowledge_base().entries["time-after-loop"]
    _, out, _ = run_cli(monkeypatch, capsys, "show", "time-after-loop")
    shown = {line.strip() for line in out.splitlines()}
    code_lines = [line.strip() for line in (entry.code.leaky + entry.code.fixed).splitlines() if line.strip()]
    assert max(map(len, code_lines)) > 60  # the test means something only with a line wider than the console
    assert [line for line in code_lines if line not in shown] == []


@pytest.mark.parametrize("command", [("show", "time-after-loop"), ("cheatsheet",)], ids=lambda c: c[0])
def test_chinese_text_at_40_columns_is_folded_never_cut(monkeypatch, capsys, command):
    from goleakhelp.knowledge.loader import load_knowledge_base

    monkeypatch.setenv("COLUMNS", "40")
    _, out, _ = run_cli(monkeypatch, capsys, *command, "--lang", "zh")
    assert "…" not in out
    entry = load_knowledge_base().entries["time-after-loop"]
    flat = "".join(out.split()).replace("│", "")
    for symptom in entry.symptoms.get("zh"):
        assert "".join(symptom.split()) in flat or command[0] == "cheatsheet"


def test_a_segment_of_many_lines_is_stripped_line_by_line():
    from rich.segment import Segment

    from goleakhelp.render.console import _without_trailing_spaces

    segments = [Segment("a  \n" * 5000 + "b "), Segment("c  ")]
    text = "".join(s.text for s in _without_trailing_spaces(segments))
    assert text == "a\n" * 5000 + "b c"
