"""`goleakhelp explain`, plain `goleakhelp` with a pipe, and scripted `goleakhelp chat`, as a user runs them."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.conftest import FIXTURES, run_cli
from tests.dumps.conftest import DUMPS, fixture_text

CODE_WITH_PROSE = (
    "Our service runs out of file descriptors. This is the handler:\n\n"
    "func handle(w http.ResponseWriter, r *http.Request) {\n"
    "\tf, err := os.Open(\"/data/\" + r.URL.Path)\n"
    "\tif err != nil {\n"
    "\t\treturn\n"
    "\t}\n"
    "\tio.Copy(w, f)\n"
    "}\n\n"
    "What are we doing wrong?\n"
)


def test_explain_dump_file(monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, "explain", str(DUMPS / "chan-send-orphan.debug2.txt"))
    assert code == 1 and err == ""
    assert out.splitlines()[0] == "Detected a goroutine dump → goroutine dump analysis"
    assert "chan-send-orphan" in out


def test_explain_gzip_dump_from_stdin(monkeypatch, capsys):
    data = gzip.compress(fixture_text("unbounded-spawn.debug1.txt").encode())
    code, out, _ = run_cli(monkeypatch, capsys, "explain", stdin=data)
    assert code == 1
    assert out.startswith("Detected a goroutine profile (debug=1)") and "unbounded-spawn" in out


def test_plain_goleakhelp_with_a_pipe_explains(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, stdin=CODE_WITH_PROSE.encode())
    assert code == 1
    assert out.startswith("Detected Go code (7 lines inside other text) → code analysis")
    # Line numbers as pasted: os.Open is on line 4 of the message.
    assert "4:" in out and "file-unclosed" in out


def test_plain_goleakhelp_with_nothing_piped_shows_help(monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, stdin=b"")
    assert code == 0 and "Usage:" in out and "explain" in out and err == ""


def test_explain_code_json(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "explain", "--json", stdin=CODE_WITH_PROSE.encode())
    data = json.loads(out)
    assert data["detected"]["kind"] == "code" and data["route"] == "code"
    finding = next(f for f in data["result"] if f["id"] == "file-unclosed")
    assert finding["line"] == 4 and finding["file"] == "<paste>"


def test_explain_question_in_chinese_answers_in_chinese(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "explain", stdin="goroutine 数量一直增长怎么办".encode())
    assert code == 0
    assert out.startswith("识别为：问题 → 知识库搜索")


def test_explain_error_line_json(monkeypatch, capsys):
    line = b"2026/11/26 12:00:01 http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms\n"
    code, out, _ = run_cli(monkeypatch, capsys, "explain", "--json", stdin=line)
    data = json.loads(out)
    assert code == 0 and data["detected"]["kind"] == "error"
    assert data["query"].endswith("too many open files; retrying in 5ms")
    assert "file-unclosed" in [hit["id"] for hit in data["result"][:3]]


def test_explain_as_overrides_the_guess(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "explain", "--as", "query", "--json", stdin=b"func f() { time.After(time.Second) }")
    assert json.loads(out)["route"] == "search"
    code, out, err = run_cli(monkeypatch, capsys, "explain", "--as", "dump", stdin=b"why does it leak?")
    assert code == 2 and "no goroutine dump found" in err and "Traceback" not in err


def test_explain_lang_option(monkeypatch, capsys):
    _, out, _ = run_cli(monkeypatch, capsys, "explain", "--lang", "zh", str(DUMPS / "chan-send-orphan.debug2.txt"))
    assert out.startswith("识别为：goroutine dump → goroutine dump 分析")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 64, "binary"),
        (b"lorem ipsum dolor sit amet " * 40000, "not a goroutine dump, Go code or a heap profile"),
    ],
    ids=["empty", "blank", "binary", "megabyte-of-prose"],
)
def test_bad_input_is_one_line_and_exit_2(monkeypatch, capsys, stdin, message):
    code, out, err = run_cli(monkeypatch, capsys, "explain", stdin=stdin)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file(monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "explain", "/no/such/dump.txt")
    assert code == 2 and "no such file" in err


def test_hostile_text_is_not_markup(monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "explain", stdin=b"[bold red]why[/] does \x1b[31mtime.After\x1b[0m leak?")
    assert "\x1b" not in out
    assert code in (0, 1)


# -- scripted chat -----------------------------------------------------------------------------


def chat(monkeypatch, capsys, script: str, *args: str) -> tuple[int, str, str]:
    return run_cli(monkeypatch, capsys, "chat", *args, stdin=script.encode("utf-8", "surrogateescape"))


def test_scripted_chat_questions_and_followups(monkeypatch, capsys):
    code, out, err = chat(monkeypatch, capsys, "why does time.After in a loop leak?\nshow the fix\nwhy?\n2\nmore\n/quit\nnever answered\n")
    assert code == 0 and err == ""
    turns = out.split("\n› ")
    assert turns[0].startswith("› why does time.After in a loop leak?")
    assert "1. time-after-loop" in turns[0] and "From the knowledge base: time-after-loop" in turns[0]
    assert turns[1].startswith("show the fix") and "Fixed code" in turns[1] and "time.NewTimer" in turns[1]
    assert turns[2].startswith("why?") and "Why it leaks" in turns[2]
    assert turns[3].startswith("2\n") and "Symptoms" in turns[3]
    assert turns[4].startswith("more") and "6. " in turns[4]
    assert turns[5].startswith("/quit") and "Bye." in turns[5]
    assert "never answered" not in out


def test_scripted_chat_in_chinese(monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, "goroutine 数量一直增长怎么办\n第1个\n怎么修\n")
    assert code == 0
    assert "识别为：问题 → 知识库搜索" in out and "依据的知识库条目" in out and "修复方法" in out


def test_scripted_chat_with_a_pasted_dump_and_code(monkeypatch, capsys, kb):
    dump = fixture_text("wg-missing-done.debug2.txt")
    leaky = kb.entries["ctx-lostcancel"].code.leaky
    script = f'"""\n{dump}\n"""\n1\nfix\n"""\n{leaky}\n"""\n1\n'
    code, out, _ = chat(monkeypatch, capsys, script)
    assert code == 0
    assert "Detected a goroutine dump → goroutine dump analysis" in out
    assert "1.  HIGH " in out or "1.  MEDIUM " in out
    assert "Detected Go code" in out and "ctx-lostcancel" in out


def test_piped_dump_file_is_one_message(monkeypatch, capsys):
    code, out, _ = chat(monkeypatch, capsys, fixture_text("chan-send-orphan.debug2.txt"))
    assert out.count("\n› ") == 0 and "Detected a goroutine dump" in out and code == 0


def test_scripted_chat_bad_input_continues(monkeypatch, capsys):
    script = "\x00\x01\x02\x03\x04\x05\x06\x07" * 20 + "\n" + "\x1b[2J\x1b]0;owned\x07[red]why[/] does time.After leak?\n/bogus\nfix\ntoo many open files\n"
    code, out, err = chat(monkeypatch, capsys, script)
    assert "binary data" in out
    assert "\x1b" not in out and "[red]why[/]" in out
    assert "Unknown command /bogus" in out
    assert "too many open files" in out and "file-unclosed" in out
    assert code == 1 and "Traceback" not in err  # errors were answered, so the script's status says so


def test_megabyte_paste_in_chat(monkeypatch, capsys):
    script = '"""\n' + ("lorem ipsum dolor sit amet\n" * 40000) + '"""\nwhy does time.After in a loop leak?\n'
    code, out, _ = chat(monkeypatch, capsys, script)
    assert "not a goroutine dump, Go code or a heap profile" in " ".join(out.split())
    assert "time-after-loop" in out


def test_chat_history_is_kept_in_the_data_folder_not_cwd(monkeypatch, tmp_path):
    from goleakhelp.chat_loop import history_path

    monkeypatch.setenv("GOLEAKHELP_DATA_DIR", str(tmp_path / "data"))
    assert history_path() == tmp_path / "data" / "chat_history"
    monkeypatch.delenv("GOLEAKHELP_DATA_DIR")
    assert history_path().parent.name == "goleakhelp"


def test_profile_fixtures_are_explained(monkeypatch, capsys):
    profiles = FIXTURES / "profiles"
    if not profiles.is_dir():
        pytest.skip("no heap profile fixtures")
    texts = [p for p in sorted(profiles.glob("*.txt")) if p.read_text(encoding="utf-8").startswith("heap profile:")]
    for path in texts:
        code, out, err = run_cli(monkeypatch, capsys, "explain", str(path))
        assert out.startswith("Detected a heap profile → heap profile analysis"), err
