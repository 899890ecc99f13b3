"""Regenerate goleakhelp/profiles/proto/profile_pb2.py from pprof's official profile.proto.

    apt-get install golang-github-google-pprof-dev   # the schema, as Debian ships pprof's source
    pip install grpcio-tools                          # protoc, from PyPI
    python scripts/make_profile_proto.py [PATH/TO/profile.proto]

The generated module is checked in, so goleakhelp needs only the `protobuf` runtime. The
schema itself is not copied into the repository; it is read from pprof's source.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PROTO = Path("/usr/share/gocode/src/github.com/google/pprof/proto/profile.proto")
OUT = REPO / "goleakhelp" / "profiles" / "proto"


def main() -> int:
    proto = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PROTO
    if not proto.is_file():
        raise SystemExit(f"{proto}: not found (apt-get install golang-github-google-pprof-dev, or pass the path)")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(proto, Path(tmp) / "profile.proto")
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{tmp}", f"--python_out={tmp}", "profile.proto"], check=True)
        shutil.copy(Path(tmp) / "profile_pb2.py", OUT / "profile_pb2.py")
    print(f"wrote {OUT / 'profile_pb2.py'} from {proto}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
