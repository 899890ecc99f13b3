"""Every command through typer's test runner, as a user would call it."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from goleakhelp import __version__
from goleakhelp.cli import app
from goleakhelp.knowledge.schema import SECTIONS
from tests.conftest import run_cli

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    """The command through typer's runner; an exception the command let escape fails the
    test here, since the runner would otherwise catch it and leave only an exit status."""
    result = runner.invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


run_main = run_cli  # through main(), which turns errors into one line and an exit status


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"goleakhelp {__version__}"


@pytest.mark.parametrize(
    "command", [[], ["search"], ["show"], ["list"], ["cheatsheet"], ["dump"], ["code"], ["kb"], ["kb", "check"], ["kb", "new"]]
)
def test_help_on_every_command_has_examples(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    if command != ["kb"]:
        assert "Examples:" in result.stdout and "goleakhelp" in result.stdout


def test_search_text():
    result = run("search", "too", "many", "open", "files")
    assert result.exit_code == 0
    assert "file-unclosed" in result.stdout or "defer-in-loop" in result.stdout
    assert "goleakhelp show" in result.stdout


def test_search_json_is_a_ranked_list():
    result = run("search", "response body not closed", "--json", "--limit", "3")
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 3
    assert {"id", "title", "score", "summary"} <= set(data[0])
    assert data[0]["id"] == "http-body-unclosed"
    assert data[0]["score"] >= data[1]["score"] >= data[2]["score"]


def test_search_limit():
    assert len(json.loads(run("search", "goroutine", "--json", "--limit", "2").stdout)) == 2


def test_search_chinese_by_option_and_by_locale():
    by_option = run("search", "goroutine", "数量一直增长", "--lang", "zh")
    assert by_option.exit_code == 0 and re.search(r"[\u4e00-\u9fff]", by_option.stdout)
    by_locale = run("search", "too many open files", env={"LANG": "zh_CN.UTF-8"})
    assert re.search(r"[\u4e00-\u9fff]", by_locale.stdout)


def test_chinese_query_is_answered_in_chinese_unless_asked_otherwise():
    assert re.search(r"[\u4e00-\u9fff]", run("search", "响应体没有关闭").stdout.splitlines()[0])
    first = run("search", "响应体没有关闭", "--lang", "en").stdout.splitlines()[0]
    assert not re.search(r"[\u4e00-\u9fff]", first)


def test_search_did_you_mean():
    result = run("search", "respnse", "bodey", "not", "closd")
    assert result.exit_code == 0
    assert "Did you mean" in result.stdout and "response" in result.stdout


def test_search_no_result_is_helpful():
    result = run("search", "qwxz", "zzkv")
    assert result.exit_code == 1
    assert "No entry matches" in result.stdout and "goleakhelp list" in result.stdout


def test_search_empty_query_is_an_error(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "search", "   ")
    assert code == 2 and err.startswith("goleakhelp: ") and len(err.strip().splitlines()) == 1


def test_search_user_text_is_not_markup():
    result = run("search", "[bold red]boom[/] [link=http://x]x[/link] goroutine")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stdout
    unmatched = run("search", "[/] [qqzz]zzkv[/qqzz] [/]")  # echoed back in "no entry matches"
    assert "[/] [qqzz]zzkv[/qqzz] [/]" in unmatched.stdout


def test_show_terminal():
    result = run("show", "time-after-loop")
    assert result.exit_code == 0
    for heading in ("Symptoms", "Why it leaks", "Fix", "Leaky code", "Fixed code", "In a goroutine dump", "Linters"):
        assert heading in result.stdout
    assert "package main" in result.stdout


def test_show_chinese():
    result = run("show", "defer-in-loop", "--lang", "zh")
    assert "症状" in result.stdout and "修复方法" in result.stdout


def test_show_markdown():
    result = run("show", "http-body-unclosed", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")
    assert "```go\npackage main" in result.stdout
    assert "## Fix" in result.stdout


def test_show_json_has_every_section():
    data = json.loads(run("show", "ctx-lostcancel", "--json").stdout)
    assert data["id"] == "ctx-lostcancel"
    for key in ("title", "summary", "symptoms", "why", "fix", "code", "dump_signatures", "linters", "go_versions", "related", "references"):
        assert key in data
    assert set(data["title"]) == {"en", "zh"}


def test_show_unknown_id_suggests_closest(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "show", "http-body-unclose")
    assert code == 1
    assert "No entry with id 'http-body-unclose'" in err and "http-body-unclosed" in err
    assert len(err.strip().splitlines()) == 1


def test_list_and_filters():
    everything = json.loads(run("list", "--json").stdout)
    assert len(everything) >= 57
    timers = json.loads(run("list", "--category", "timer", "--json").stdout)
    assert timers and all(e["category"] == "timer" for e in timers)
    techniques = json.loads(run("list", "--kind", "technique", "--json").stdout)
    assert len(techniques) >= 4 and all(e["kind"] == "technique" for e in techniques)
    text = run("list", "--kind", "not-a-leak")
    assert "rss-above-heap" in text.stdout


def test_list_unknown_filter(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "list", "--category", "nope")
    assert code == 2 and "unknown category 'nope'" in err


def test_cheatsheet_terminal_has_every_pattern_and_commands(kb):
    result = run("cheatsheet")
    assert result.exit_code == 0
    assert "Timers and tickers" in result.stdout
    assert "go tool pprof" in result.stdout


@pytest.mark.parametrize("fmt,marker", [("markdown", "| id |"), ("html", "<!DOCTYPE html>"), ("terminal", "cheat sheet")])
def test_cheatsheet_output_file_never_overwritten(tmp_path, monkeypatch, capsys, fmt, marker):
    out = tmp_path / f"sheet.{fmt}"
    code, _, _ = run_main(monkeypatch, capsys, "cheatsheet", "--format", fmt, "--output", str(out))
    assert code == 0 and marker in out.read_text(encoding="utf-8")
    out.write_text("my notes", encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, "cheatsheet", "--format", fmt, "--output", str(out))
    assert code == 2 and "already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "my notes"
    code, _, _ = run_main(monkeypatch, capsys, "cheatsheet", "--format", fmt, "--output", str(out), "--force")
    assert code == 0 and marker in out.read_text(encoding="utf-8")


def test_cheatsheet_markdown_lists_every_pattern(kb):
    text = run("cheatsheet", "--format", "markdown").stdout
    for entry in kb.entries.values():
        if entry.kind == "pattern":
            assert f"`{entry.id}`" in text


def test_cheatsheet_unwritable_output(tmp_path, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "cheatsheet", "--output", str(tmp_path / "no" / "such" / "dir.md"), "--format", "markdown")
    assert code == 2 and err.startswith("goleakhelp: cannot write")


def test_kb_check_passes_on_shipped_kb():
    result = run("kb", "check")
    assert result.exit_code == 0, result.stdout
    assert "0 problem(s)" in result.stdout


def test_kb_new_then_check_names_what_is_left(tmp_path):
    result = run("kb", "new", "ws-hub-leak", "--dir", str(tmp_path))
    assert result.exit_code == 0
    path = tmp_path / "ws-hub-leak.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == list(SECTIONS)
    check = run("kb", "check", "--kb-dir", str(tmp_path))
    assert check.exit_code == 1
    assert f"{path}: title.en: still marked TODO" in check.stdout


def test_kb_new_refuses_existing_and_bad_ids(tmp_path, monkeypatch, capsys):
    assert run("kb", "new", "ws-hub-leak", "--dir", str(tmp_path)).exit_code == 0
    code, _, err = run_main(monkeypatch, capsys, "kb", "new", "ws-hub-leak", "--dir", str(tmp_path))
    assert code == 1 and "already" in err
    code, _, err = run_main(monkeypatch, capsys, "kb", "new", "chan-send-orphan", "--dir", str(tmp_path))
    assert code == 1 and "never reused" in err
    code, _, err = run_main(monkeypatch, capsys, "kb", "new", "Bad Id", "--dir", str(tmp_path))
    assert code == 1 and "not a valid id" in err


def test_team_kb_from_option_and_environment(tmp_path, model_yaml):
    data = yaml.safe_load(model_yaml)
    data["id"] = "team-kafka-consumer-leak"
    data["title"]["en"] = "Kafka consumer group never closed"
    data["symptoms"]["en"][0] = "kafka consumer rebalance storm and goroutines pile up"
    (tmp_path / "team-kafka-consumer-leak.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    by_option = json.loads(run("search", "kafka consumer rebalance", "--json", "--kb-dir", str(tmp_path)).stdout)
    assert by_option[0]["id"] == "team-kafka-consumer-leak"
    by_env = run("show", "team-kafka-consumer-leak", env={"GOLEAKHELP_KB_PATH": str(tmp_path)})
    assert by_env.exit_code == 0 and "Kafka consumer group never closed" in by_env.stdout
    assert run("kb", "check", "--kb-dir", str(tmp_path)).exit_code == 0


def test_broken_team_entry_warns_but_commands_work(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    result = run("show", "chan-send-orphan", "--kb-dir", str(tmp_path))
    assert result.exit_code == 0
    assert "problem(s) in the knowledge base" in result.stderr


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "goleakhelp", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == f"goleakhelp {__version__}"


def test_kb_check_in_chinese_translates_every_problem(tmp_path, model_yaml):
    data = yaml.safe_load(model_yaml)
    broken = []
    for i, change in enumerate(
        [
            lambda d: d.pop("why"),
            lambda d: d.update(kind="bug"),
            lambda d: d["dump"]["signatures"][0].update(frames=["(unclosed"], states=["chan sending"]),
            lambda d: d.update(related=["no-such-entry"], references=["not a url"]),
            lambda d: d["title"].update(zh="English only"),
            lambda d: d["symptoms"]["en"].append("extra"),
            lambda d: d.update(go_versions=[{"version": 1.2, "en": "x", "zh": "中文"}]),
        ]
    ):
        entry = yaml.safe_load(yaml.safe_dump(data))
        entry["id"] = f"broken-{i}"
        change(entry)
        broken.append(entry)
        (tmp_path / f"broken-{i}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    (tmp_path / "bad-yaml.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00")
    result = run("kb", "check", "--kb-dir", str(tmp_path), "--lang", "zh")
    lines = [line for line in result.stdout.splitlines() if str(tmp_path) in line]
    assert len(lines) >= 10
    untranslated = [line for line in lines if not re.search(r"[\u4e00-\u9fff]", line.split(str(tmp_path), 1)[1])]
    assert untranslated == []


def test_a_command_that_raises_fails_the_test_helper(monkeypatch):
    """The runner catches exceptions; run() must not let one pass as an exit status."""
    from rich.errors import MarkupError

    def broken(*args, **kwargs):
        raise MarkupError("closing tag '[/]' has nothing to close")

    monkeypatch.setattr("goleakhelp.render.terminal.render_search", broken)
    with pytest.raises(MarkupError):
        run("search", "[/] goroutine")


def test_kb_new_skeleton_has_every_optional_key_in_a_valid_form(tmp_path):
    # The skeleton names the dump keys (together, library_frames), heap.when_flat and a
    # detection section, commented out; all of it must pass the schema as written.
    assert run("kb", "new", "ws-hub-leak", "--dir", str(tmp_path)).exit_code == 0
    path = tmp_path / "ws-hub-leak.yaml"
    text = path.read_text(encoding="utf-8")
    for key in ("together:", "library_frames:", "when_flat:", "# detection:", "specificity"):
        assert key in text
    uncommented = "\n".join(line[2:] if line.startswith("# ") and not line.startswith("# New") else line for line in text.splitlines())
    yaml.safe_load(uncommented)
    path.write_text(uncommented + "\n", encoding="utf-8")
    check = run("kb", "check", "--kb-dir", str(tmp_path))
    problems = [line for line in check.stdout.splitlines() if str(path) in line]
    assert problems and all("still marked TODO" in line for line in problems), problems
