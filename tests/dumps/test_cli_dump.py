"""`goleakhelp dump` as a user runs it: files, stdin, gzip, URLs, output formats, exit status."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import re
import threading

import pytest

from goleakhelp.dumps.source import RUNTIME_TEXT_CAP
from tests.conftest import FIXTURES
from tests.dumps.conftest import DUMPGEN_SRC, DUMPS, fixture_text, manifest, records, run_dump

pytestmark = pytest.mark.skipif(not manifest(), reason="no fixture dumps: run scripts/make_dump_fixtures.py")


run = run_dump


def _leak(fmt="debug2", expect="chan-send-orphan"):
    return records(format=fmt, expect=expect)[0]


def test_terminal_report_explains_the_leak(monkeypatch, capsys):
    record = _leak()
    code, out, _ = run(monkeypatch, capsys, str(DUMPS / record["file"]), "--src", str(DUMPGEN_SRC))
    assert code in (0, 1)
    assert "goroutines in" in out and "chan-send-orphan" in out
    assert "goleakhelp show chan-send-orphan" in out or "Worth a look" in out


def test_leak_profile_exits_1_and_json_has_the_documented_fields(monkeypatch, capsys):
    record = _leak("leak2")
    code, out, _ = run(monkeypatch, capsys, str(DUMPS / record["file"]), "--json")
    assert code == 1
    data = json.loads(out)
    assert isinstance(data["total"], int) and data["groups"]
    group = data["groups"][0]
    for key in ("count", "state", "wait_minutes", "leaked", "frames", "location", "created_by", "suspicion", "matches"):
        assert key in group
    assert group["suspicion"] == "high"
    assert len(group["wait_minutes"]) == 2
    match = group["matches"][0]
    assert {"id", "score", "evidence"} <= set(match) and isinstance(match["evidence"], list)
    order = ["high", "medium", "low", "none"]
    assert [order.index(g["suspicion"]) for g in data["groups"]] == sorted(order.index(g["suspicion"]) for g in data["groups"])


def test_healthy_dump_exits_0(monkeypatch, capsys):
    record = records(expect="healthy", format="debug2")[0]
    code, out, _ = run(monkeypatch, capsys, str(DUMPS / record["file"]))
    assert code == 0 and "Nothing suspicious" in out


def test_markdown_for_an_issue(monkeypatch, capsys):
    record = _leak("leak2")
    _, out, _ = run(monkeypatch, capsys, str(DUMPS / record["file"]), "--format", "markdown")
    assert out.startswith("**") and "### " in out and "```text" in out


def test_stdin_and_gzip(monkeypatch, capsys, tmp_path):
    record = _leak("leak2")
    data = (DUMPS / record["file"]).read_bytes()
    code, out, _ = run(monkeypatch, capsys, "--json", stdin=data)
    assert code == 1 and json.loads(out)["origin"] == "stdin"
    (tmp_path / "d.txt.gz").write_bytes(gzip.compress(data))
    code, out, _ = run(monkeypatch, capsys, str(tmp_path / "d.txt.gz"), "--json")
    assert code == 1 and json.loads(out)["total"] >= 1


def test_pprof_url(monkeypatch, capsys):
    body = (DUMPS / _leak("leak2")["file"]).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/debug/pprof/goroutineleak?debug=2"
        code, out, _ = run(monkeypatch, capsys, url, "--json")
    finally:
        server.shutdown()
    assert code == 1 and json.loads(out)["origin"] == url


@pytest.mark.parametrize("record", [r for r in manifest() if r["file"].endswith(".pb.gz")], ids=lambda r: r["file"])
def test_protobuf_goroutine_profiles_are_read_natively(monkeypatch, capsys, record):
    code, out, err = run(monkeypatch, capsys, str(DUMPS / record["file"]), "--json")
    data = json.loads(out)
    assert code == 1 and data["format"] == "pprof-proto"
    leak = next(g for g in data["groups"] if record["expect"] in [m["id"] for m in g["matches"]])
    assert leak["count"] == record["leaked_count"] and leak["suspicion"] != "none"
    assert any(re.match(record["leak_function"], f) for f in leak["frames"])


def test_heap_profile_given_to_dump_is_a_heap_report(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, str(FIXTURES / "profiles" / "heap.pb.gz"))
    assert "analysed as `goleakhelp heap` does" in err and "subslice-retention" in out and code == 1


def test_dump_cut_at_64_mib_says_so(monkeypatch, capsys, tmp_path):
    """Build what the runtime writes past 64 MiB: a real dump's goroutines repeated with fresh ids, cut at the cap."""
    blocks = fixture_text(_leak()).strip("\n").split("\n\n")
    out = io.StringIO()
    written, gid = 0, 1
    while written < RUNTIME_TEXT_CAP:
        for block in blocks:
            gid += 1
            piece = re.sub(r"^goroutine \d+", f"goroutine {gid}", block) + "\n\n"
            out.write(piece)
            written += len(piece)
    path = tmp_path / "cut.txt"
    path.write_bytes(out.getvalue().encode()[:RUNTIME_TEXT_CAP])
    code, stdout, _ = run(monkeypatch, capsys, str(path), "--json")
    data = json.loads(stdout)
    assert data["truncated"] is True
    assert any("64 MiB" in n and "debug=1" in n for n in data["notes"])


def test_two_dumps_in_one_input(monkeypatch, capsys):
    two = records(format="wrapped-two")[0]
    _, out, _ = run(monkeypatch, capsys, str(DUMPS / two["file"]), "--json")
    data = json.loads(out)
    assert data["dumps_found"] == 2 and data["dump_index"] == 2
    _, out, _ = run(monkeypatch, capsys, str(DUMPS / two["file"]), "--json", "--index", "1")
    assert json.loads(out)["dump_index"] == 1
    code, _, err = run(monkeypatch, capsys, str(DUMPS / two["file"]), "--index", "3")
    assert code == 2 and "--index" in err


def test_user_text_in_a_dump_is_not_markup(monkeypatch, capsys, tmp_path):
    text = fixture_text(_leak()).replace("goroutine 1 [", "goroutine 1 [", 1)
    hostile = text.replace("main.", "main.[bold red]x[/]", 1)
    (tmp_path / "h.txt").write_text(hostile)
    code, out, err = run(monkeypatch, capsys, str(tmp_path / "h.txt"), "--all")
    assert "Traceback" not in err
    assert "[bold red]x[/]" in out


def test_base_dump_shows_growth(monkeypatch, capsys):
    """Two dumps of the same binary: the leaking path had no goroutines before, 15 after."""
    before = records(scenario="idle-pool", format="debug2")[0]
    after = _leak()
    code, out, _ = run(monkeypatch, capsys, "--base", str(DUMPS / before["file"]), str(DUMPS / after["file"]), "--json")
    data = json.loads(out)
    assert code == 1 and data["base"]["total"] >= 1
    grown = [g for g in data["groups"] if re.search(after["leak_function"], " ".join(g["frames"]))]
    assert grown and grown[0]["base_count"] == 0 and grown[0]["suspicion"] == "high"
    assert any("grew by" in r for r in grown[0]["reasons"])
    unchanged = [g for g in data["groups"] if g["base_count"] and g["base_count"] == g["count"]]
    assert all(g["suspicion"] != "high" for g in unchanged)
    code, out, _ = run(monkeypatch, capsys, "--base", str(DUMPS / before["file"]), str(DUMPS / after["file"]))
    assert "→" in out


def test_a_debug1_url_is_fetched_as_debug2_and_says_so(monkeypatch, capsys):
    body = (DUMPS / _leak()["file"]).read_bytes()
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/debug/pprof/goroutine?debug=1"
        code, out, _ = run(monkeypatch, capsys, url, "--json")
    finally:
        server.shutdown()
    assert asked == ["/debug/pprof/goroutine?debug=2"]
    data = json.loads(out)
    assert code == 1 and any("debug=2" in n for n in data["notes"])


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_start_here_marks_the_first_of_several_suspicious_groups(monkeypatch, capsys, fmt):
    several = DUMPS / "old" / "go1.2.sigquit-mutex.txt"  # a Mutex leak in user code, and main waiting on it
    _, out, _ = run(monkeypatch, capsys, str(several), "--format", fmt)
    marked = [line for line in out.splitlines() if "start here" in line]
    assert len(marked) == 1 and "main.(*Cache).Get" in marked[0]
    _, single, _ = run(monkeypatch, capsys, str(DUMPS / _leak()["file"]), "--format", fmt)
    assert "start here" not in single
