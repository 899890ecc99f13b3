"""Source locations shortened for people: the same place, without the machine's prefix.

A runtime-written dump names standard-library files by their full path under the Go
installation (`/usr/local/go/src/net/http/transport.go:2616`) and dependencies by their
path in the module cache (`/home/ci/go/pkg/mod/google.golang.org/grpc@v1.60.0/...`).
People read and paste these; the prefix tells them nothing and pushes the line past the
console width. Machine-readable output (JSON, SARIF) keeps the paths as written.
"""

from __future__ import annotations

from goleakhelp.gostd import is_std_package

MODULE_CACHE = "/pkg/mod/"


def short_file(file: str, package: str) -> str:
    """`file` of a frame in `package`, with the Go installation written `$GOROOT` and the
    module cache `$GOMODCACHE`; other paths as they are."""
    path = file.replace("\\", "/")
    at = path.rfind(MODULE_CACHE)
    if at >= 0:
        return "$GOMODCACHE/" + path[at + len(MODULE_CACHE) :]
    if package and is_std_package(package):
        # The last `/src/` (or `/src/pkg/`, before Go 1.4) followed by a standard package's
        # folder: not always the frame's own package (sync.runtime_Semacquire is in runtime/).
        at = path.rfind("/src/")
        while at > 0:
            rest = path[at + len("/src/") :]
            inner = rest[len("pkg/") :] if rest.startswith("pkg/") else rest
            folder = inner.rpartition("/")[0]
            if folder and is_std_package(folder):
                return "$GOROOT" + path[at:]
            at = path.rfind("/src/", 0, at)
    return file


def short_location(frame) -> str:
    """`frame.location` (file:line) with the file shortened by `short_file`."""
    if not frame.file:
        return ""
    return f"{short_file(frame.file, frame.package)}:{frame.line}"
