"""Shared fixtures: every test gets its own index cache and no extra KB folders from the environment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from goleakhelp.knowledge.loader import load_knowledge_base
from goleakhelp.knowledge.sources import builtin_kb_dir

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MODEL_ENTRY = builtin_kb_dir() / "chan-send-orphan.yaml"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GOLEAKHELP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
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
