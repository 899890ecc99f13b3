"""The cached search index: built on first use, reused, rebuilt on change, and never fatal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from goleakhelp.knowledge import index as index_module
from goleakhelp.knowledge.index import INDEX_PREFIX, open_index
from goleakhelp.knowledge.search import search


def _indexes(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"{INDEX_PREFIX}*"))


def test_built_on_first_use_then_reused(tmp_path):
    first = open_index(cache_dir=tmp_path)
    assert first.built and first.path is not None and first.path.is_dir()
    second = open_index(cache_dir=tmp_path)
    assert not second.built and second.path == first.path


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GOLEAKHELP_CACHE_DIR", str(tmp_path / "envcache"))
    handle = open_index()
    assert handle.path is not None and handle.path.parent == tmp_path / "envcache"


def test_rebuilt_when_kb_content_changes(tmp_path, model_yaml):
    team = tmp_path / "team"
    team.mkdir()
    cache = tmp_path / "cache"
    first = open_index([team], cache_dir=cache)
    data = yaml.safe_load(model_yaml)
    data["id"] = "team-websocket-leak"
    data["title"]["en"] = "Websocket hub never unregisters clients"
    (team / "team-websocket-leak.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = open_index([team], cache_dir=cache)
    assert second.built and second.path != first.path
    hits = search("websocket hub unregisters", handle=second).hits
    assert hits and hits[0].id == "team-websocket-leak"


def test_rebuilt_when_schema_or_version_changes(tmp_path, monkeypatch):
    first = open_index(cache_dir=tmp_path)
    monkeypatch.setattr(index_module, "INDEX_SCHEMA_VERSION", "test-changed")
    assert open_index(cache_dir=tmp_path).path != first.path
    monkeypatch.setattr(index_module, "__version__", "99.0")
    assert open_index(cache_dir=tmp_path).built


def test_damaged_index_is_rebuilt(tmp_path):
    first = open_index(cache_dir=tmp_path)
    for f in first.path.iterdir():
        f.write_bytes(b"garbage")
    again = open_index(cache_dir=tmp_path)
    assert again.built
    assert search("goroutine", handle=again).hits


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_unwritable_cache_falls_back_to_memory_as_user(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    handle = open_index(cache_dir=locked / "sub")
    assert handle.path is None and search("goroutine", handle=handle).hits


def test_unwritable_cache_falls_back_to_memory(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("a file where the cache folder should be")
    handle = open_index(cache_dir=not_a_folder / "cache")
    assert handle.path is None
    assert search("goroutine blocked", handle=handle).hits


def test_two_processes_building_at_once_both_succeed(tmp_path):
    code = (
        "import sys; from pathlib import Path; from goleakhelp.knowledge.search import search; "
        "from goleakhelp.knowledge.index import open_index; "
        "h = open_index(cache_dir=Path(sys.argv[1])); "
        "print(search('goroutine blocked channel', handle=h).hits[0].id)"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    assert all(out.strip() for out, _ in outputs)
    assert len(_indexes(tmp_path)) == 1
    assert not list(tmp_path.glob(".building-*"))
