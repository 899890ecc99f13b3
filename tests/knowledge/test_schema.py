"""The KB schema check: the shipped KB is valid, and each kind of mistake is named by file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from goleakhelp.knowledge.loader import load_knowledge_base
from goleakhelp.knowledge.schema import SECTIONS

REQUIRED_IDS = """
chan-send-orphan chan-recv-orphan range-unclosed nil-chan select-all-nil select-empty wg-missing-done
wg-copied wg-add-in-goroutine errgroup-stuck mutex-unreleased rwmutex-reentrant cond-no-signal
ctx-lostcancel fat-context ctx-not-inherited sleep-poll ticker-goroutine ticker-unstopped
timer-unstopped time-after-loop afterfunc-long defer-in-loop loopvar-capture http-body-unclosed
transport-per-request client-no-timeout server-no-timeouts tcp-no-deadline sql-rows-unclosed
sql-tx-open sql-stmt-unclosed sql-open-per-call grpc-conn-unclosed grpc-stream-unfinished
unbounded-spawn substring-retention subslice-retention stale-slice-pointers map-no-shrink
unbounded-cache closure-retention pool-oversized finalizer-cycle finalizer-blocked cgo-unfreed
thread-leak exec-no-wait pipe-unclosed file-unclosed test-server-leak
""".split()


def test_shipped_kb_is_valid(kb):
    assert [str(p) for p in kb.problems] == []


def test_shipped_kb_covers_required_patterns(kb):
    missing = [i for i in REQUIRED_IDS if i not in kb.entries]
    assert missing == []
    assert all(kb.entries[i].kind == "pattern" for i in REQUIRED_IDS)


def test_shipped_kb_has_techniques_and_not_a_leak_entries(kb):
    kinds = [e.kind for e in kb.entries.values()]
    assert kinds.count("technique") >= 4
    assert kinds.count("not-a-leak") >= 2


def _write(folder: Path, name: str, data) -> Path:
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(folder: Path) -> list[str]:
    kb = load_knowledge_base([folder])
    return [str(p) for p in kb.problems if str(folder) in str(p)]


@pytest.fixture
def entry(model_yaml):
    data = yaml.safe_load(model_yaml)
    data["id"] = "team-leak"
    data["related"] = ["chan-send-orphan"]
    return data


def test_a_valid_team_entry_has_no_problems(tmp_path, entry):
    _write(tmp_path, "team-leak.yaml", entry)
    assert _problems(tmp_path) == []
    assert "team-leak" in load_knowledge_base([tmp_path]).entries


def test_missing_section_is_named(tmp_path, entry):
    del entry["why"]
    path = _write(tmp_path, "team-leak.yaml", entry)
    assert f"{path}: why: section is missing" in _problems(tmp_path)


def test_every_section_is_required(tmp_path, entry):
    for section in SECTIONS:
        broken = dict(entry)
        del broken[section]
        folder = tmp_path / section
        folder.mkdir()
        _write(folder, "team-leak.yaml", broken)
        assert any(f": {section}: section is missing" in p for p in _problems(folder)), section


def test_missing_chinese_text_is_named(tmp_path, entry):
    del entry["summary"]["zh"]
    entry["title"]["zh"] = "English only"
    path = _write(tmp_path, "team-leak.yaml", entry)
    problems = _problems(tmp_path)
    assert f"{path}: summary.zh: is missing" in problems
    assert f"{path}: title.zh: holds no Chinese text" in problems


def test_untranslated_list_item_is_named(tmp_path, entry):
    entry["symptoms"]["en"].append("one more symptom")
    en, zh = len(entry["symptoms"]["en"]), len(entry["symptoms"]["zh"])
    path = _write(tmp_path, "team-leak.yaml", entry)
    assert any(p.startswith(f"{path}: symptoms: has {en} English and {zh} Chinese") for p in _problems(tmp_path))


def test_duplicate_id_is_rejected(tmp_path, entry):
    entry["id"] = "chan-send-orphan"
    path = _write(tmp_path, "chan-send-orphan.yaml", entry)
    problems = _problems(tmp_path)
    assert any(p.startswith(f"{path}: id: duplicate id 'chan-send-orphan'") for p in problems)


def test_unknown_related_id_is_rejected(tmp_path, entry):
    entry["related"] = ["chan-send-orphan", "no-such-entry"]
    path = _write(tmp_path, "team-leak.yaml", entry)
    assert f"{path}: related[1]: unknown entry id 'no-such-entry'" in _problems(tmp_path)


def test_signature_regex_that_does_not_compile_is_rejected(tmp_path, entry):
    entry["dump"]["signatures"][0]["frames"] = [r"^net/http\.(*persistConn"]
    path = _write(tmp_path, "team-leak.yaml", entry)
    problems = _problems(tmp_path)
    assert any(p.startswith(f"{path}: dump.signatures[0].frames[0]: regular expression does not compile") for p in problems)


def test_heap_regex_that_does_not_compile_is_rejected(tmp_path, entry):
    entry["heap"]["frames"] = ["bytes.(growSlice"]
    _write(tmp_path, "team-leak.yaml", entry)
    assert any("heap.frames[0]: regular expression does not compile" in p for p in _problems(tmp_path))


def test_unknown_wait_reason_is_rejected(tmp_path, entry):
    entry["dump"]["signatures"][0]["states"] = ["chan sending"]
    _write(tmp_path, "team-leak.yaml", entry)
    assert any("dump.signatures[0].states[0]: 'chan sending' is not a Go wait reason or goroutine status" in p for p in _problems(tmp_path))


def test_older_version_marks_on_a_signature_are_validated(tmp_path, entry):
    sig = entry["dump"]["signatures"][0]
    sig["go_before"] = "1.27"
    sig["module_since"] = "google.golang.org/grpc 1.56"
    _write(tmp_path, "team-leak.yaml", entry)
    assert _problems(tmp_path) == []
    loaded = load_knowledge_base([tmp_path]).entries["team-leak"].dump_signatures[0]
    assert (loaded.go_before, loaded.module_since) == ("1.27", "google.golang.org/grpc 1.56")
    sig["go_before"] = "go1.27"
    sig["module_since"] = "grpc"
    _write(tmp_path, "team-leak.yaml", entry)
    problems = _problems(tmp_path)
    assert any("dump.signatures[0].go_before: 'go1.27' is not a Go version" in p for p in problems)
    assert any("dump.signatures[0].module_since: 'grpc' is not a module path and version" in p for p in problems)


def test_bad_choice_and_id_are_named(tmp_path, entry):
    entry["kind"] = "bug"
    entry["id"] = "Team_Leak"
    _write(tmp_path, "team-leak.yaml", entry)
    problems = _problems(tmp_path)
    assert any("kind: is 'bug'; expected one of: pattern, technique, not-a-leak" in p for p in problems)
    assert any("id: 'Team_Leak' is not a slug" in p for p in problems)


def test_id_must_match_file_name(tmp_path, entry):
    _write(tmp_path, "other-name.yaml", entry)
    assert any("does not match the file name 'other-name.yaml'" in p for p in _problems(tmp_path))


def test_unknown_section_is_named(tmp_path, entry):
    entry["symptom"] = ["typo of symptoms"]
    _write(tmp_path, "team-leak.yaml", entry)
    assert any(": symptom: unknown section" in p for p in _problems(tmp_path))


def test_invalid_yaml_names_the_line(tmp_path):
    path = _write(tmp_path, "broken.yaml", "id: broken\ntitle: [unclosed\n")
    problems = _problems(tmp_path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: invalid YAML: line")


def test_binary_and_non_mapping_files_are_named(tmp_path):
    (tmp_path / "binary.yaml").write_bytes(b"\x00\xff\xfe\x89PNG")
    _write(tmp_path, "list.yaml", "- just\n- a list\n")
    problems = _problems(tmp_path)
    assert any("binary.yaml: is not UTF-8 text" in p for p in problems)
    assert any("list.yaml: is not a YAML mapping of sections" in p for p in problems)


def test_invalid_entry_is_left_out_but_others_load(tmp_path, entry):
    del entry["fix"]
    _write(tmp_path, "team-leak.yaml", entry)
    kb = load_knowledge_base([tmp_path])
    assert "team-leak" not in kb.entries
    assert "chan-send-orphan" in kb.entries


def test_missing_kb_folder_is_a_problem(tmp_path):
    kb = load_knowledge_base([tmp_path / "nope"])
    assert any("does not exist" in str(p) for p in kb.problems)


def test_context_todo_is_text_not_a_fill_in_mark(tmp_path, entry):
    entry["why"]["en"] = "Using context.TODO() or context.TODO in a handler loses the request's cancellation."
    _write(tmp_path, "team-leak.yaml", entry)
    assert _problems(tmp_path) == []
    entry["why"]["en"] = "TODO: explain"
    _write(tmp_path, "team-leak.yaml", entry)
    assert any("why.en: still marked TODO" in p for p in _problems(tmp_path))
