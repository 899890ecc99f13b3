"""What `explain` and chat take a paste to be: real dumps, real code, prose around them, errors, questions."""

from __future__ import annotations

import pytest

from goleakhelp.assistant.detect import CODE, DUMP, ERROR, HEAP, QUERY, code_blocks, detect, strip_controls
from tests.conftest import FIXTURES
from tests.dumps.conftest import fixture_text, ids, manifest

DUMP_RECORDS = [r for r in manifest() if r["format"] != "proto"]  # protobuf: see test_explain_cli
CODE_FILES = sorted((FIXTURES / "code").glob("*.go"))


@pytest.mark.parametrize("record", DUMP_RECORDS, ids=ids(DUMP_RECORDS))
def test_every_runtime_written_dump_is_a_dump(record):
    assert detect(fixture_text(record)).kind == DUMP


def test_dump_inside_a_log_is_still_a_dump():
    dump = fixture_text("chan-send-orphan.debug2.txt")
    log = "2026/11/26 10:00:01 server started on :8080\n2026/11/26 10:05:12 SIGQUIT received, dumping\n" + dump + "\n2026/11/26 10:05:13 bye\n"
    assert detect(log).kind == DUMP


def test_leaky_and_fixed_examples_of_every_entry_are_code(kb):
    for entry in kb.entries.values():
        for name, code in (("leaky", entry.code.leaky), ("fixed", entry.code.fixed)):
            if code:
                assert detect(code).kind == CODE, f"{entry.id} {name}"


@pytest.mark.parametrize("path", CODE_FILES, ids=[p.name for p in CODE_FILES])
def test_fixture_files_are_code(path):
    assert detect(path.read_text(encoding="utf-8")).kind == CODE


def test_code_between_prose_keeps_its_line_numbers():
    text = (
        "Hi, our service leaks file descriptors. Here is the handler:\n"
        "\n"
        "func handle(w http.ResponseWriter, r *http.Request) {\n"
        "\tresp, err := http.Get(\"http://backend/\")\n"
        "\tif err != nil {\n"
        "\t\treturn\n"
        "\t}\n"
        "\tfmt.Fprintln(w, resp.Status)\n"
        "}\n"
        "\n"
        "Any idea why?\n"
    )
    d = detect(text)
    assert d.kind == CODE and d.what == "what_code_inside"
    assert d.blocks[0].first_line == 3 and d.blocks[0].text.startswith("func handle")
    assert "Any idea" not in d.blocks[0].text


def test_fenced_go_block_in_a_chat_message():
    text = "Is this ok?\n```go\nfor {\n\tselect {\n\tcase <-time.After(time.Minute):\n\t\treturn\n\tcase v := <-in:\n\t\tuse(v)\n\t}\n}\n```\nthanks"
    blocks = code_blocks(text)
    assert len(blocks) == 1 and blocks[0].first_line == 3
    assert detect(text).kind == CODE


def test_statements_pasted_alone_are_code():
    assert detect("resp, _ := http.Get(url)\nbody, _ := io.ReadAll(resp.Body)\n").kind == CODE


@pytest.mark.parametrize(
    "text",
    [
        "why does time.After in a loop leak?",
        "How do I find which goroutines leak",
        "goroutine 数量一直增长怎么办",
        "内存一直涨，是不是泄漏了？",
        "memory keeps growing",
        "goroutine count doubles every hour",
        "what is the fix for an unclosed response body",
    ],
)
def test_questions_and_symptoms_are_searched(text):
    d = detect(text)
    assert d.kind == QUERY and d.text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026/11/26 12:00:01 http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms", "too many open files"),
        ('{"level":"error","ts":1732600000.1,"msg":"query failed","error":"sql: database is closed"}', "database is closed"),
        ("dial tcp 10.0.0.1:5432: connect: cannot assign requested address", "cannot assign requested address"),
        ("fatal error: runtime: out of memory", "out of memory"),
    ],
)
def test_error_lines_become_clean_queries(text, words):
    d = detect(text)
    assert d.kind == ERROR
    assert words in d.text
    assert "2026" not in d.text and "10.0.0.1" not in d.text


def test_log_excerpt_searches_its_error_lines():
    log = "\n".join(
        [
            "time=2026-11-26T10:00:00Z level=info msg=\"request served\" path=/api",
            "time=2026-11-26T10:00:01Z level=info msg=\"request served\" path=/api",
            "time=2026-11-26T10:00:02Z level=error msg=\"open /data/x.json: too many open files\"",
        ]
    )
    d = detect(log)
    assert d.kind == ERROR and d.what == "what_log"
    assert "too many open files" in d.text and "request served" not in d.text


def test_forced_kind_wins():
    assert detect("why does time.After leak?", "code").kind == CODE
    assert detect("func f() {}\n", "query").kind == QUERY
    assert detect("hello", "dump").kind == DUMP


def test_a_question_naming_a_goroutine_header_is_not_a_dump():
    assert detect("why is goroutine 7 [chan send]: stuck for 30 minutes?").kind == QUERY


def test_escape_sequences_are_removed():
    assert strip_controls("\x1b[31mred\x1b[0m \x1b]0;title\x07ok\x00") == "red ok"


@pytest.mark.skipif(not (FIXTURES / "profiles").is_dir(), reason="no heap profile fixtures")
def test_heap_profile_text_is_a_heap_profile():
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "profiles").glob("*.txt")) if "heap profile:" in p.read_text(encoding="utf-8")[:200]]
    assert texts
    for text in texts:
        assert detect(text).kind == HEAP
