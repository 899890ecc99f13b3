"""The chat loop, the command line's face of the assistant: an interactive prompt on a terminal,
or a scripted session from a pipe. The assistant core (goleakhelp.assistant) returns replies;
this loop reads messages and hands the replies to the renderer.

Interactive: prompt_toolkit gives line editing, history (kept in the user data folder) and
bracketed paste, so a pasted dump or function arrives as one message. Typed multi-line
input goes between two lines of three quotes. Scripted: each line is a message, a block
between lines of three quotes is one message, and input that is a whole dump or Go file
with no quotes is one message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from goleakhelp.assistant.session import Session
from goleakhelp.i18n import label

BLOCK_MARK = '"""'
# History keeps what people type, not the megabyte dumps they paste.
MAX_HISTORY_ENTRY = 4096
# Piped input is answered message by message (tens of milliseconds each); past this many,
# the rest is left unanswered and the user told, so a big file of lines cannot run for minutes.
MAX_SCRIPTED_MESSAGES = 100


def data_dir() -> Path:
    """Where chat history lives: GOLEAKHELP_DATA_DIR, else the platform's user data folder."""
    override = os.environ.get("GOLEAKHELP_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("goleakhelp", appauthor=False))


def history_path() -> Path:
    return data_dir() / "chat_history"


def split_messages(lines: Iterable[str]) -> Iterator[str]:
    """Messages of a scripted session (see the module docstring)."""
    block: list[str] | None = None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.strip() == BLOCK_MARK:
            if block is None:
                block = []
            else:
                yield "\n".join(block)
                block = None
            continue
        if block is not None:
            block.append(line)
        elif line.strip():
            yield line
    if block:  # an unclosed block still counts: end of input ends it
        yield "\n".join(block)


def scripted_messages(text: str) -> list[str]:
    """The whole piped input as messages: one message when it is a dump or Go code with no
    quote lines (someone piped a file in), else split as above."""
    from goleakhelp.assistant.detect import CODE, DUMP, HEAP, detect

    lines = text.splitlines()
    if not any(line.strip() == BLOCK_MARK for line in lines) and len(lines) > 3:
        if detect(text).kind in (DUMP, CODE, HEAP):
            return [text]
    return list(split_messages(lines))


def run_scripted(session: Session, text: str, console) -> int:
    """Answer each message of `text`; returns the exit status (0, or 1 when a reply was an error)."""
    from rich.text import Text

    from goleakhelp.assistant.detect import strip_controls
    from goleakhelp.render.assistant import render_reply

    failed = False
    messages = scripted_messages(text)
    if len(messages) > MAX_SCRIPTED_MESSAGES:
        left = len(messages) - MAX_SCRIPTED_MESSAGES
        messages = messages[:MAX_SCRIPTED_MESSAGES]
    else:
        left = 0
    for message in messages:
        shown = strip_controls(message).strip()
        first = shown.splitlines()[0] if shown else ""
        more = " …" if "\n" in shown else ""
        console.print(_echo(f"› {first[:100]}{more}"))
        reply = session.handle(message)
        render_reply(reply, session.kb, session.lang, console)
        console.print()
        failed = failed or any(getattr(p, "tone", "") == "error" for p in reply.parts)
        if reply.quit:
            return 1 if failed else 0
    if left:
        console.print(Text(label("chat_too_many", session.lang, limit=MAX_SCRIPTED_MESSAGES, left=left), style="bold red"))
        return 1
    return 1 if failed else 0


def _echo(text: str):
    from rich.text import Text

    return Text(text, style="bold")


def run_interactive(session: Session, console) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    from goleakhelp.render.assistant import render_reply

    class PasteSizedHistory(FileHistory):
        def store_string(self, string: str) -> None:
            if len(string) <= MAX_HISTORY_ENTRY:
                super().store_string(string)

    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
        history = PasteSizedHistory(str(path))
    except OSError:
        history = InMemoryHistory()
    prompt = PromptSession(history=history, enable_open_in_editor=False, key_bindings=_bindings())
    console.print(_welcome(session.lang))
    while True:
        try:
            message = prompt.prompt("goleakhelp> ")
            if message.strip() == BLOCK_MARK:
                lines = []
                while (line := prompt.prompt("... ")).strip() != BLOCK_MARK:
                    lines.append(line)
                message = "\n".join(lines)
            reply = session.handle(message)
            render_reply(reply, session.kb, session.lang, console)
        except (EOFError, KeyboardInterrupt):
            console.print(_dim(label("chat_bye", session.lang)))
            return 0
        if reply.quit:
            return 0
        console.print()


def _bindings():
    """Colour codes typed or pasted without bracketed paste (`ESC [31m`) look to prompt_toolkit
    like mouse reports and make its mouse handler fail; the mouse is not used here, so such
    sequences are dropped."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add(Keys.Vt100MouseEvent)
    def _ignore(event) -> None:
        pass

    return bindings


def _welcome(lang: str):
    from rich.text import Text

    return Text(label("chat_welcome", lang), style="dim")


def _dim(text: str):
    from rich.text import Text

    return Text(text, style="dim")
