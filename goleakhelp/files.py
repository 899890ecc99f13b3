"""Write output files whole or not at all, and never over an existing file unless asked.

A report is written to a temporary file beside its target and moved into place in one
step, so a crash, a full disk or Ctrl-C leaves either the old file or the new one, never
half of one. Without `force`, the move is a hard link, which fails when the target exists
even if another process created it a moment ago.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from goleakhelp.errors import UserError


def write_new(path: Path, data: str | bytes, force: bool = False) -> None:
    """Write `data` to `path` atomically; UserError if `path` exists and `force` is off."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name to write to")
    if not force and path.exists():
        raise UserError(f"{path} already exists; use --force to replace it")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a report is an ordinary file
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except FileExistsError:
        raise UserError(f"{path} already exists; use --force to replace it") from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _link_new(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails with FileExistsError when the target appeared meanwhile
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, getattr(errno, "EOPNOTSUPP", -1)):
            raise
        # A file system without hard links: the check above is all there is.
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
