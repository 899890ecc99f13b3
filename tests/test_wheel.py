"""The built wheel carries kb/: installed in a fresh virtual environment outside the checkout, search works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_installed_wheel_searches_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("goleakhelp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "goleakhelp/kb/chan-send-orphan.yaml" in names
    assert sum(n.startswith("goleakhelp/kb/") and n.endswith(".yaml") for n in names) >= 57

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, cwd=tmp_path)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GOLEAKHELP_KB_PATH")}
    env["GOLEAKHELP_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run(
        [str(env_dir / "bin" / "goleakhelp"), "search", "too many open files", "--json"],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert hits and hits[0]["id"]
    where = subprocess.run(
        [str(python), "-c", "import goleakhelp.knowledge.sources as s; print(s.builtin_kb_dir())"],
        capture_output=True, text=True, cwd=workdir, env=env,
    ).stdout.strip()
    assert where.startswith(str(env_dir)), where
