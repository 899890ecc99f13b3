"""Refresh the Chart.js build that `goleakhelp watch --report` embeds in its HTML report.

    python scripts/update_chartjs.py [VERSION]     # default: the newest 4.x

Takes the package from the npm registry with `npm pack` (npm is the only client needed)
and copies dist/chart.umd.min.js and its licence into goleakhelp/render/vendor/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "goleakhelp" / "render" / "vendor"


def main() -> int:
    version = sys.argv[1] if len(sys.argv) > 1 else "4"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", f"chart.js@{version}"], cwd=tmp, check=True, capture_output=True)
        archive = next(Path(tmp).glob("chart.js-*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        shutil.copy(Path(tmp) / "package" / "dist" / "chart.umd.min.js", VENDOR / "chart.umd.min.js")
        shutil.copy(Path(tmp) / "package" / "LICENSE.md", VENDOR / "chart.js-LICENSE.md")
        print(f"copied {archive.name} into {VENDOR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
