"""Build KB examples with the leak harness (tests/fixtures/leakrun/harness.go) and run them.

Each example becomes a package of its own (`package main` renamed, `func main()`
exported as Main) and the harness's main package imports them all, so one
`go build` in a GOPATH-mode tree compiles them (the Go build cache is shared with
the compile tests) and links a single binary; each run names its example. Runs
are parallel: they mostly sleep.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from goleakhelp.knowledge.gocompile import SYSTEM_GOPATH

HARNESS = Path(__file__).resolve().parents[1] / "fixtures" / "leakrun" / "harness.go"
_MAIN = re.compile(r"^func main\(\) \{", re.M)
_PACKAGE = re.compile(r"^package main\b", re.M)
_RESULT = re.compile(r"^LEAKRUN (.*)$", re.M)


@dataclass(frozen=True)
class RunResult:
    """What one run left behind, beyond what the process had before the example."""

    name: str
    ran: bool  # the harness reported (the example did not exit the process or crash)
    output: str
    returned: bool = False  # exampleMain returned within RUN_FOR
    goroutines: int = 0  # still running after the settle time
    files: int = 0  # descriptors still open after the settle time
    peak_goroutines: int = 0  # most goroutines alive at once while the example ran
    peak_files: int = 0  # most descriptors open at once while the example ran
    threads: int = 0  # OS threads created and not exited
    heap: int = 0  # bytes of live heap after a GC
    rss: int = 0  # resident bytes


_PORT_8080 = re.compile(r"(?<=:)8080\b")
_SERVES = re.compile(r"ListenAndServe|net\.Listen|httptest\.")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_examples(go: str, examples: dict[str, str], run_for: str = "5s", settle: str = "3s", jobs: int = 8) -> dict[str, RunResult]:
    """Build and run each named Go example (a whole package main); results by name.

    Examples that use port 8080 get a free port of their own instead, so runs (and
    other programs on the machine) do not meet there; those that are only clients
    of it get the harness's HTTP server on that port.
    """
    with tempfile.TemporaryDirectory(prefix="goleakhelp-leakrun-") as tmp:
        root = Path(tmp)
        imports, table, serve = [], [], {}
        for i, (name, src) in enumerate(examples.items()):
            if _PORT_8080.search(src):
                port = _free_port()
                if not _SERVES.search(src):
                    serve[name] = f"127.0.0.1:{port}"
                src = _PORT_8080.sub(str(port), src)
            ident = re.sub(r"\W", "_", name)
            pkg = root / "src" / "leakrun" / ident
            pkg.mkdir(parents=True)
            src = _MAIN.sub("func Main() {", _PACKAGE.sub(f"package {ident}", src, count=1), count=1)
            (pkg / "example.go").write_text(src, encoding="utf-8")
            imports.append(f'\tex{i} "leakrun/{ident}"')
            table.append(f'\t"{name}": ex{i}.Main,')
        harness = root / "src" / "leakrun" / "harness"
        harness.mkdir()
        (harness / "harness.go").write_text(HARNESS.read_text(encoding="utf-8"), encoding="utf-8")
        (harness / "examples.go").write_text(
            "package main\n\nimport (\n" + "\n".join(imports) + "\n)\n\nvar examples = map[string]func(){\n" + "\n".join(table) + "\n}\n",
            encoding="utf-8",
        )
        env = dict(os.environ, GO111MODULE="off", GOFLAGS="", GOTOOLCHAIN="local", CGO_ENABLED="1")
        env["GOPATH"] = os.pathsep.join([str(root)] + ([str(SYSTEM_GOPATH)] if SYSTEM_GOPATH.is_dir() else []))
        binary = root / "leakrun"
        build = subprocess.run([go, "build", "-o", str(binary), "."], cwd=harness, env=env, capture_output=True, text=True)
        if build.returncode != 0:
            raise RuntimeError(build.stdout + build.stderr)

        def run(name: str) -> RunResult:
            work = root / "work" / name
            work.mkdir(parents=True)
            try:
                run_env = dict(env, RUN_FOR=run_for, SETTLE=settle)
                if name in serve:
                    run_env["SERVE_HTTP"] = serve[name]
                proc = subprocess.run(
                    [str(binary), name], cwd=work, env=run_env,
                    capture_output=True, text=True, timeout=60,
                )
                output = proc.stdout + proc.stderr
            except subprocess.TimeoutExpired as exc:
                output = f"timed out: {exc}"
            m = _RESULT.search(output)
            if not m:
                return RunResult(name, False, output[-2000:])
            fields = dict(pair.split("=", 1) for pair in m.group(1).split())
            returned = fields.pop("returned") == "true"
            return RunResult(name, True, output[-2000:], returned, **{k: int(v) for k, v in fields.items()})

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return {r.name: r for r in pool.map(run, examples)}
