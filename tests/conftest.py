"""Shared fixtures: one search index per run, a data folder per test, no extra KB folders from the environment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from goleakhelp.knowledge.index import IndexHandle, open_index
from goleakhelp.knowledge.loader import load_knowledge_base
from goleakhelp.knowledge.sources import builtin_kb_dir

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MODEL_ENTRY = builtin_kb_dir() / "chan-send-orphan.yaml"


@pytest.fixture(scope="session")
def index_cache(tmp_path_factory, kb) -> Path:
    """The cache folder every test shares: the built-in KB's index is built here once per run.

    Building it took about 0.7 s on a quiet machine, once per test that searched;
    tests of building and rebuilding pass their own cache folder.
    """
    cache = tmp_path_factory.mktemp("index-cache")
    open_index(cache_dir=cache, kb=kb)
    return cache


@pytest.fixture(scope="session")
def index_handle(index_cache) -> IndexHandle:
    """An open handle on the shared index, for tests that search in process."""
    return open_index(cache_dir=index_cache)


@pytest.fixture(autouse=True)
def isolated_environment(index_cache, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GOLEAKHELP_CACHE_DIR", str(index_cache))
    monkeypatch.setenv("GOLEAKHELP_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("GOLEAKHELP_KB_PATH", raising=False)
    for var in ("LANGUAGE", "LC_ALL", "LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


@pytest.fixture
def model_yaml() -> str:
    return MODEL_ENTRY.read_text(encoding="utf-8")


def run_cli(monkeypatch, capsys, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """`goleakhelp ARGS` through main(), as a user runs it: (exit status, stdout, stderr)."""
    from goleakhelp.cli import main

    monkeypatch.setattr("sys.argv", ["goleakhelp", *args])
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err
