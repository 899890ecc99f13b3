"""Where the knowledge base lives: the built-in folder, team folders, and a hash of their content.

Kept free of YAML and validation so that a warm search, which only needs the
content hash, imports as little as possible.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

KB_PATH_ENV = "GOLEAKHELP_KB_PATH"
KB_SUFFIXES = (".yaml", ".yml")


def builtin_kb_dir() -> Path:
    """The kb/ folder shipped inside the wheel, or the checkout's kb/ when running from source."""
    packaged = Path(str(resources.files("goleakhelp"))) / "kb"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "kb"


def kb_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """The built-in folder, then folders from the environment, then folders given as options."""
    dirs = [builtin_kb_dir()]
    env = os.environ.get(KB_PATH_ENV, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs += [Path(p) for p in extra]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def kb_files(dirs: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The entry files in `dirs`, and the folders that do not exist."""
    files: list[Path] = []
    missing: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            missing.append(d)
            continue
        files += sorted(p for p in d.iterdir() if p.suffix in KB_SUFFIXES and p.is_file())
    return files, missing


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the KB content; the search index is rebuilt when it changes."""
    h = hashlib.sha256()
    for path in files:
        h.update(str(path).encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()
