"""Locations shortened for people: Go installation and module cache prefixes."""

from __future__ import annotations

import pytest

from goleakhelp.dumps.model import Frame
from goleakhelp.render.paths import short_file, short_location


@pytest.mark.parametrize(
    ("file", "package", "short"),
    [
        ("/usr/local/go/src/net/http/transport.go", "net/http", "$GOROOT/src/net/http/transport.go"),
        ("/usr/lib/go-1.21/src/runtime/sema.go", "sync", "$GOROOT/src/runtime/sema.go"),  # sync's runtime hook lives in runtime/
        ("/usr/local/go/src/pkg/runtime/sema.goc", "sync", "$GOROOT/src/pkg/runtime/sema.goc"),  # Go 1.3 layout
        ("C:/Program Files/Go/src/net/http/transport.go", "net/http", "$GOROOT/src/net/http/transport.go"),
        ("/home/ci/go/pkg/mod/google.golang.org/grpc@v1.60.0/clientconn.go", "google.golang.org/grpc", "$GOMODCACHE/google.golang.org/grpc@v1.60.0/clientconn.go"),
        # User code stays as written, even under a folder called src:
        ("/home/dev/src/net/handler.go", "main", "/home/dev/src/net/handler.go"),
        ("/home/dev/go/src/github.com/acme/svc/main.go", "github.com/acme/svc", "/home/dev/go/src/github.com/acme/svc/main.go"),
        ("net/http/transport.go", "net/http", "net/http/transport.go"),  # -trimpath: already short
    ],
)
def test_short_file(file, package, short):
    assert short_file(file, package) == short


def test_short_location_keeps_the_line_and_empty_stays_empty():
    assert short_location(Frame("net/http.(*persistConn).readLoop", "/usr/local/go/src/net/http/transport.go", 2616)) == "$GOROOT/src/net/http/transport.go:2616"
    assert short_location(Frame("main.main", "", 0)) == ""
