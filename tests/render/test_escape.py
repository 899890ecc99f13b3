"""No byte of user input reaches the terminal as a control sequence, in any output."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.table import Table
from rich.text import Text

from goleakhelp.render.console import safe_console
from goleakhelp.render.escape import json_text, printable
from tests.conftest import FIXTURES, run_cli

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NASTY = "\x1b]0;owned\x07\u009b2J\x7f\x01\x1bc\u202e"


def test_printable_escapes_each_control_character_and_keeps_tab_and_newline():
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("x\x1b[31my") == "x\\x1b[31my"
    assert printable("\u009b2J\x7f\x00") == "\\u009b2J\\x7f\\x00"
    assert printable("\u202eevil") == "\\u202eevil"
    assert printable("line\r\nnext\rover") == "line\nnext\\x0dover"
    assert printable(printable(NASTY)) == printable(NASTY)  # escaping twice changes nothing more
    assert "中文" == printable("中文")


def test_json_stays_valid_and_carries_the_text_unchanged():
    data = {"name": NASTY, "中文": "é"}
    text = json_text(data)
    assert not CONTROL.search(text)
    assert json.loads(text) == data
    assert "中文" in text  # readable, not ASCII-escaped


@pytest.mark.parametrize("color", [None, "truecolor"])
def test_console_escapes_text_in_every_renderable(color):
    buf = io.StringIO()
    console = safe_console(file=buf, width=100, color_system=color, force_terminal=color is not None)
    table = Table()
    table.add_column(NASTY)
    table.add_row(Text(NASTY, style="bold"))
    console.print(Text(NASTY), NASTY, table)
    out = buf.getvalue()
    if color is None:
        assert not CONTROL.search(out)
    else:  # only rich's own colour codes, ESC [ ... m
        assert not CONTROL.search(re.sub(r"\x1b\[[0-9;]*m", "", out))
    assert "\\x1b]0;owned" in out and "\\u009b2J" in out


def test_console_shows_markup_as_typed():
    buf = io.StringIO()
    safe_console(file=buf, width=100, color_system=None).print("[bold]x[/bold] [link=http://e.x]y[/link]")
    assert "[bold]x[/bold] [link=http://e.x]y[/link]" in buf.getvalue()


def _hostile_dump() -> bytes:
    text = (FIXTURES / "dumps" / "chan-send-orphan.debug2.txt").read_text(encoding="utf-8")
    # Into function names, file paths and labels of the leaking group.
    text = text.replace("main.fetchQuote", "main.fetch" + NASTY + "Quote")
    text = text.replace("/api/quote", "/api/" + NASTY)
    text = text.replace("dumpgen/chan.go", "dumpgen/" + NASTY + "chan.go")
    return text.encode("utf-8")


HOSTILE_GO = (
    "package main\n\nimport (\n\t\"net/http\"\n)\n\n"
    "// " + NASTY + "\n"
    "func handler" + "(w http.ResponseWriter, r *http.Request) {\n"
    "\tresp, err := http.Get(\"http://x/" + NASTY + "\")\n"
    "\tif err != nil {\n\t\treturn\n\t}\n"
    "\t_ = resp.StatusCode // " + NASTY + "\n}\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["dump", "{dump}"],
        ["dump", "{dump}", "--all"],
        ["dump", "{dump}", "--format", "markdown"],
        ["dump", "{dump}", "--json"],
        ["explain", "{dump}"],
        ["explain", "{dump}", "--json"],
        ["code", "{go}"],
        ["code", "{go}", "--format", "sarif"],
        ["code", "{go}", "--format", "github"],
        ["code", "{go}", "--json"],
        ["explain", "{go}"],
        ["dump", "{missing}"],
        ["search", NASTY + " goroutine leak"],
    ],
)
def test_no_control_character_of_the_input_in_any_output(monkeypatch, capsys, tmp_path, args):
    dump, go = tmp_path / "hostile.txt", tmp_path / "hostile.go"
    dump.write_bytes(_hostile_dump())
    go.write_text(HOSTILE_GO, encoding="utf-8")
    missing = str(tmp_path / ("no" + NASTY + ".txt"))
    argv = [a.format(dump=dump, go=go, missing=missing) if "{" in a else a for a in args]
    code, out, err = run_cli(monkeypatch, capsys, *argv)
    assert code in (0, 1, 2)
    assert not CONTROL.search(out), out
    assert not CONTROL.search(err), err
    if args[0] == "dump" and code != 2:
        assert "u009b2J" in out  # shown escaped, not dropped
