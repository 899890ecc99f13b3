"""The bounded input layer: gzip streams and URL fetches end in one line, never a hang."""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time

import pytest

from goleakhelp import inputs
from goleakhelp.errors import UserError
from goleakhelp.inputs import fetch_url, gunzip
from tests.conftest import FIXTURES, run_cli

DUMP = (FIXTURES / "dumps" / "chan-send-orphan.debug2.txt").read_bytes()


def test_gunzip_round_trip_and_several_members():
    assert gunzip(gzip.compress(DUMP), "x") == DUMP
    assert gunzip(gzip.compress(b"a") + gzip.compress(b"b"), "x") == b"ab"


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda g: g[: len(g) // 2], "cut short"),
        (lambda g: g[:10] + bytes(b ^ 0x55 for b in g[10:40]) + g[40:], "damaged"),
        (lambda g: g[:-4] + b"\x00\x00\x00\x00", "damaged"),  # wrong length in the trailer
        (lambda g: b"\x1f\x8b" + b"\x07" * 50, "damaged"),  # random bytes that start like gzip
    ],
)
def test_damaged_gzip_is_an_input_error(damage, reason):
    with pytest.raises(UserError) as info:
        gunzip(damage(gzip.compress(DUMP)), "dump.gz")
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_gzip_bomb_stops_at_the_ratio_limit(monkeypatch):
    monkeypatch.setattr(inputs, "RATIO_FREE_BYTES", 1 << 20)
    bomb = gzip.compress(b"0" * (64 << 20), 9)  # 64 MiB from about 64 KB
    with pytest.raises(UserError, match="gzip bomb"):
        gunzip(bomb, "bomb.gz")


def test_gzip_stops_at_the_size_limit():
    with pytest.raises(UserError, match="limit for gzip input"):
        gunzip(gzip.compress(b"x" * 5000), "big.gz", max_bytes=4096)


@pytest.mark.parametrize("how", ["file", "stdin"])
@pytest.mark.parametrize("command", ["dump", "explain"])
def test_damaged_gzip_through_the_commands(monkeypatch, capsys, tmp_path, how, command):
    packed = gzip.compress(DUMP)[:300]
    if how == "file":
        path = tmp_path / "goroutines.txt.gz"
        path.write_bytes(packed)
        code, out, err = run_cli(monkeypatch, capsys, command, str(path))
    else:
        code, out, err = run_cli(monkeypatch, capsys, command, "-", stdin=packed)
    assert code == 2 and out == ""
    assert err.startswith("goleakhelp: ") and len(err.strip().splitlines()) == 1
    assert "cannot be unpacked" in err and "internal error" not in err


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        if self.path == "/trickle":  # headers, then a byte now and then, forever
            self.send_response(200)
            self.end_headers()
            while not self.server.stopping:
                try:
                    self.wfile.write(b"g")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)
        elif self.path == "/flood":  # far more than the size limit, fast
            self.send_response(200)
            self.end_headers()
            try:
                while not self.server.stopping:
                    self.wfile.write(b"x" * 65536)
            except OSError:
                return
        elif self.path.startswith("/to-"):
            self.send_response(302)
            self.send_header("Location", {"/to-file": "file:///etc/passwd", "/to-ok": "/ok", "/to-self": "/to-self"}[self.path])
            self.end_headers()
        elif self.path == "/ok":
            body = DUMP
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.stopping = False
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stopping = True
    httpd.shutdown()
    httpd.server_close()


def test_fetch_follows_http_redirects(server):
    fetched = fetch_url(server + "/to-ok")
    assert fetched.data == DUMP and fetched.url.endswith("/ok")


def test_redirect_to_another_scheme_is_refused(server):
    with pytest.raises(UserError, match="only http and https"):
        fetch_url(server + "/to-file")


def test_redirect_loop_ends(server):
    with pytest.raises(UserError, match="redirects"):
        fetch_url(server + "/to-self")


def test_http_error_is_one_line(server):
    with pytest.raises(UserError, match="HTTP 404"):
        fetch_url(server + "/missing")


def test_a_server_that_trickles_forever_hits_the_total_time(server):
    start = time.monotonic()
    with pytest.raises(UserError, match="longer than"):
        fetch_url(server + "/trickle", total_timeout=0.5, idle_timeout=2)
    assert time.monotonic() - start < 5


def test_a_server_that_floods_hits_the_size_limit(server):
    with pytest.raises(UserError, match="larger than"):
        fetch_url(server + "/flood", max_bytes=1 << 20)


def test_a_server_that_never_answers_hits_the_idle_time():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # the kernel completes the handshake; nobody ever reads or writes
    try:
        with pytest.raises(UserError, match="no answer within"):
            fetch_url(f"http://127.0.0.1:{listener.getsockname()[1]}/debug/pprof/goroutine?debug=2", idle_timeout=0.3)
    finally:
        listener.close()


def test_refused_connection_is_one_line():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UserError, match="cannot connect"):
        fetch_url(f"http://127.0.0.1:{port}/")


def test_only_http_urls(tmp_path):
    with pytest.raises(UserError, match="only http and https"):
        fetch_url("ftp://example.com/x")
