"""Turn a protobuf goroutine profile into the text goleakhelp.dumps reads, with `go tool pprof`.

Heap and allocs profiles are read natively (goleakhelp.profiles.pprof decodes every
protobuf profile with the official schema). Goroutine profiles still go through
`go tool pprof -traces`, whose output the dump readers take, until dump forms read
decoded profiles directly.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import tempfile
from dataclasses import dataclass

from goleakhelp.errors import UserError
from goleakhelp.inputs import is_gzip
from goleakhelp.knowledge.gocompile import find_go
from goleakhelp.profiles.pprof import GOROUTINE_KINDS, HEAP_KINDS, KIND_NAMES, decode_profile, is_protobuf_profile

__all__ = ["ProfileInfo", "identify_profile", "is_protobuf_profile", "is_gzip", "convert_profile", "text_command"]

PPROF_TIMEOUT = 120  # seconds


@dataclass(frozen=True)
class ProfileInfo:
    """What kind of profile a protobuf file holds, read from its sample types."""

    kind: str  # "heap", "allocs", "goroutine", "goroutineleak", "cpu", "contention", "threadcreate", "unknown"
    sample_types: tuple[str, ...]  # ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")
    default_sample_type: str | None

    @property
    def description(self) -> str:
        return KIND_NAMES[self.kind]


@dataclass(frozen=True)
class ConvertedProfile:
    info: ProfileInfo
    text: str  # `go tool pprof -traces` output
    command: str  # what was run, for notes: "go tool pprof -traces"


def identify_profile(data: bytes, origin: str = "input") -> ProfileInfo:
    """Sample types and kind of a protobuf profile, gzip-compressed or not; UserError when it is not one."""
    profile = decode_profile(data, origin)
    return ProfileInfo(profile.kind, profile.sample_types, profile.default_sample_type or None)


def text_command(info: ProfileInfo, path: str = "FILE") -> str:
    """The command that prints a profile of this kind as text goleakhelp reads."""
    if info.kind in GOROUTINE_KINDS:
        return f"go tool pprof -traces {path}"
    return f"goleakhelp explain {path}"


def convert_profile(data: bytes, origin: str = "input", go: str | None = None, info: ProfileInfo | None = None) -> ConvertedProfile:
    """Print a protobuf goroutine profile with `go tool pprof -traces`.

    UserError for other kinds, and, without a Go toolchain, a message that says what the
    file is and which command turns it into text.
    """
    info = info or identify_profile(data, origin)
    if info.kind in HEAP_KINDS:
        raise UserError(f"{origin} is {info.description}; read it with `goleakhelp explain {origin}`")
    if info.kind not in GOROUTINE_KINDS:
        raise UserError(f"{origin} is {info.description} (sample types: {', '.join(info.sample_types)}); goleakhelp reads heap, allocs and goroutine profiles")
    go = go or find_go()
    if go is None:
        raise UserError(
            f"{origin} is {info.description} in protobuf form and no Go toolchain was found to read it; "
            f"run `{text_command(info, origin)}` and pass its output, or fetch the text form (?debug=1)"
        )
    flag = "-traces"
    with tempfile.TemporaryDirectory(prefix="goleakhelp-pprof-") as tmp:
        path = os.path.join(tmp, "profile.pb.gz")
        with open(path, "wb") as f:
            f.write(data if is_gzip(data) else gzip.compress(data, mtime=0))
        env = {k: v for k, v in os.environ.items() if k not in ("GOFLAGS", "PPROF_BINARY_PATH")}
        # A local toolchain only, in an empty folder (no go.mod to obey), with no binary lookups:
        # Go profiles carry their own symbols.
        env.update(GOTOOLCHAIN="local", PPROF_TMPDIR=tmp, PPROF_BINARY_PATH=os.path.join(tmp, "none"))
        try:
            proc = subprocess.run(
                [go, "tool", "pprof", flag, "-symbolize=none", path],
                cwd=tmp,
                env=env,
                capture_output=True,
                timeout=PPROF_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UserError(f"`go tool pprof {flag}` took more than {PPROF_TIMEOUT} s on {origin}") from None
        except OSError as exc:
            raise UserError(f"cannot run {go}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"`go tool pprof {flag}` could not read {origin}: {reason[-1] if reason else f'exit status {proc.returncode}'}")
    return ConvertedProfile(info, proc.stdout.decode("utf-8", "replace"), f"go tool pprof {flag}")
