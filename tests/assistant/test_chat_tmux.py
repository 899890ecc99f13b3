"""The real interactive prompt in a real terminal: tmux runs `goleakhelp chat`, we type and
paste into it and read the screen the way a person would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.dumps.conftest import DUMPS

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")

TIMEOUT = 60.0


class Terminal:
    def __init__(self, socket: str, tmp_path):
        self.socket = socket
        self.tmp_path = tmp_path

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False)
        return proc.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-2000", "-t", "chat")

    def wait_for(self, text: str, after: int = 0) -> str:
        """Wait until `text` shows up on the screen after the first `after` characters."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen[after:]:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; screen:\n{self.screen()}")

    def type(self, line: str) -> int:
        mark = len(self.screen())
        self.tmux("send-keys", "-t", "chat", "-l", line)
        self.tmux("send-keys", "-t", "chat", "Enter")
        return mark

    def paste(self, path) -> int:
        """Paste a file the way a terminal does (bracketed paste), then press Enter."""
        mark = len(self.screen())
        self.tmux("load-buffer", "-b", "dump", str(path))
        self.tmux("paste-buffer", "-p", "-b", "dump", "-t", "chat")
        time.sleep(0.5)
        self.tmux("send-keys", "-t", "chat", "Enter")
        return mark


@pytest.fixture
def terminal(tmp_path, index_cache):
    # One tmux server per test: reusing a socket right after kill-server races with its shutdown.
    socket = f"goleakhelp-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = {
        "GOLEAKHELP_DATA_DIR": str(tmp_path / "data"),
        "GOLEAKHELP_CACHE_DIR": str(index_cache),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"cd {shlex.quote(str(tmp_path))} && env {exports} {shlex.quote(sys.executable)} -m goleakhelp chat; echo EXIT=$?; sleep 60"
    started = subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "chat", "-x", "100", "-y", "50", command], capture_output=True, text=True, check=False
    )
    assert started.returncode == 0, f"tmux could not start: {started.stderr.strip()}"
    term = Terminal(socket, tmp_path)
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def test_interactive_session_as_a_person_sees_it(terminal, tmp_path):
    terminal.wait_for("goleakhelp>")
    screen = terminal.screen()
    assert "/help lists the commands" in screen

    mark = terminal.type("why does time.After in a loop leak?")
    screen = terminal.wait_for("Next:", mark)
    assert "Detected a question → knowledge-base search" in screen
    assert "1. time-after-loop" in screen

    mark = terminal.type("fix")
    screen = terminal.wait_for("Next:", mark)
    assert "Fixed code" in screen[mark:] and "time.NewTimer" in screen[mark:]

    # A whole dump pasted at the prompt arrives as one message.
    mark = terminal.paste(DUMPS / "wg-missing-done.debug2.txt")
    screen = terminal.wait_for("From the knowledge base:", mark)
    assert "Detected a goroutine dump → goroutine dump analysis" in screen[mark:]
    assert "wg-missing-done" in screen[mark:]
    assert screen[mark:].count("Detected") == 1

    mark = terminal.type("/show nil-chan")
    terminal.wait_for("Fixed code", mark)

    # Escape sequences typed or pasted at the prompt are dropped or shown as text, never acted on.
    mark = terminal.type("\x1b[31mwhy\x1b[0m [bold]does[/bold] nil chan block?")
    screen = terminal.wait_for("Next:", mark)
    assert "[bold]does[/bold]" in screen[mark:] and "Exception" not in screen[mark:]
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("\x1b[2J\x1b]0;owned\x07why does [red]time.After[/red] leak?\n", encoding="utf-8")
    mark = terminal.paste(hostile)
    screen = terminal.wait_for("Next:", mark)
    assert "Detected a question" in screen[mark:] and "time-after-loop" in screen[mark:]

    terminal.tmux("send-keys", "-t", "chat", "C-d")
    screen = terminal.wait_for("EXIT=0")
    assert "Bye." in screen
    assert "Traceback" not in screen

    history = (tmp_path / "data" / "chat_history").read_text(encoding="utf-8")
    assert "why does time.After in a loop leak?" in history
    assert "goroutine 1 [" not in history  # a big paste is not kept in history
    assert not (tmp_path / ".goleakhelp_history").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["data", "hostile.txt"]


def test_ctrl_c_leaves_cleanly(terminal):
    terminal.wait_for("goleakhelp>")
    terminal.tmux("send-keys", "-t", "chat", "C-c")
    screen = terminal.wait_for("EXIT=0")
    assert "Bye." in screen and "Traceback" not in screen
