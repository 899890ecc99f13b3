"""Keep user text from reaching a terminal as control sequences, in every output.

Names, paths, labels, code lines and queries come from whatever was pasted. An ESC,
the one-byte C1 introducer U+009B, a DEL or a bidirectional override in them could
move the cursor, recolour the screen, retitle the window or reorder what is shown.
Each such character is shown as an escape (`\\x1b`, `\\u009b`) instead; tab and
newline stay as they are.
"""

from __future__ import annotations

import json
import re
from typing import Any

# (The console that applies this to everything it prints is render/console.py.)

# C0 but tab and newline, DEL, C1, and the Unicode bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In JSON, C0 is escaped by json.dumps already; DEL, C1 and bidi are not.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character shown as an escape; tab and newline kept
    (and a Windows line end is a newline)."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(_escape, text.replace("\r\n", "\n"))


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON of `data`, readable (not ASCII-only) yet with no raw control character in it."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
