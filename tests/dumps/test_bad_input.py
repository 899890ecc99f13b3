"""Bad input to `goleakhelp dump`: one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import gzip

from tests.dumps.conftest import run_dump


run = run_dump


def _one_line_error(code, err, *words):
    assert code == 2
    assert err.startswith("goleakhelp: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_missing_file(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "nope.txt"))
    _one_line_error(code, err, "no such file")


def test_folder(monkeypatch, capsys, tmp_path):
    code, _, err = run(monkeypatch, capsys, str(tmp_path))
    _one_line_error(code, err, "is a folder")


def test_empty_file(monkeypatch, capsys, tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "empty.txt"))
    _one_line_error(code, err, "is empty")


def test_binary_file(monkeypatch, capsys, tmp_path):
    (tmp_path / "a.bin").write_bytes(bytes(range(256)) * 40)
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "a.bin"))
    _one_line_error(code, err, "binary")


def test_gzip_of_binary_that_starts_like_a_profile(monkeypatch, capsys, tmp_path):
    (tmp_path / "p.pb.gz").write_bytes(gzip.compress(b"\x0a\x04\x08\x01\x10\x02" + bytes(range(256)) * 8))
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "p.pb.gz"))
    _one_line_error(code, err, "pprof profile", "damaged")


def test_corrupt_gzip(monkeypatch, capsys, tmp_path):
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "bad.gz"))
    _one_line_error(code, err, "cannot be unpacked")


def test_text_that_is_not_a_dump(monkeypatch, capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("hello\nthis is a log line\n[bold]markup[/bold]\n")
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "notes.txt"))
    _one_line_error(code, err, "no goroutine dump found")


def test_empty_stdin(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, stdin=b"")
    _one_line_error(code, err, "stdin is empty")


def test_unreachable_url(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "http://127.0.0.1:9/debug/pprof/goroutine?debug=2")
    _one_line_error(code, err, "cannot connect")


def test_src_must_be_a_folder(monkeypatch, capsys, tmp_path):
    (tmp_path / "f").write_text("x")
    code, _, err = run(monkeypatch, capsys, "--src", str(tmp_path / "f"), str(tmp_path / "f"))
    _one_line_error(code, err, "--src")
