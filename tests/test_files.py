"""Output files are written whole or not at all, never over a file without --force,
and the search index survives being killed while it is built."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from goleakhelp.errors import UserError
from goleakhelp.files import write_new
from tests.conftest import REPO, run_cli


def test_write_new_never_replaces_without_force(tmp_path):
    target = tmp_path / "report.md"
    write_new(target, "first")
    with pytest.raises(UserError, match="already exists"):
        write_new(target, "second")
    assert target.read_text() == "first"
    write_new(target, "second", force=True)
    assert target.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(UserError, match="No space left"):
        write_new(target, "new " * 10000, force=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_two_writers_at_once_one_wins_whole(tmp_path):
    target = tmp_path / "sheet.html"
    results = []

    def write(text):
        try:
            write_new(target, text * 100000)
            results.append("ok")
        except UserError:
            results.append("exists")

    threads = [threading.Thread(target=write, args=(c,)) for c in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["exists", "ok"]
    assert target.read_text() in ("a" * 100000, "b" * 100000)


def test_cheatsheet_output_is_not_overwritten(monkeypatch, capsys, tmp_path):
    target = tmp_path / "LEAKS.md"
    target.write_text("mine")
    code, _, err = run_cli(monkeypatch, capsys, "cheatsheet", "--format", "markdown", "--output", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "mine"
    code, _, _ = run_cli(monkeypatch, capsys, "cheatsheet", "--format", "markdown", "--output", str(target), "--force")
    assert code == 0 and target.read_text().startswith("#")


BUILD = "from goleakhelp.knowledge.index import open_index; import sys; open_index(cache_dir=__import__('pathlib').Path(sys.argv[1]))"


def test_index_survives_a_killed_build(tmp_path):
    from goleakhelp.knowledge.index import open_index
    from goleakhelp.knowledge.search import search

    cache = tmp_path / "cache"
    for delay in (0.2, 0.5, 0.9, 1.4):
        proc = subprocess.Popen([sys.executable, "-c", BUILD, str(cache)], cwd=REPO)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        handle = open_index(cache_dir=cache)
        assert search("response body not closed", "en", 3, handle=handle).hits
        for leftover in [p for p in cache.iterdir() if p.name.startswith("index-")]:
            assert leftover == handle.path  # only the one whole index is in use
