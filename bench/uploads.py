"""Upload benchmark: a file uploaded from headless Chromium into S3 and GCS,
straight to the store and through the sidecar, and by JupyterLab's own
upload to the Jupyter disk, in one run
(ui-tests/bench/uploads.bench.ts). JB_BENCH_UPLOAD_MIB sets the size (2048).

Run inside the servers harness (`make bench` does):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/uploads.py
Prints the table and writes bench/results/uploads.json (not tracked).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import need

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    need("JB_TEST_S3_ENDPOINT")
    need("JB_TEST_GCS_ENDPOINT")
    env = {**os.environ, "CI": "1"}
    done = subprocess.run(
        ["npx", "playwright", "test", "--config", "bench.config.js"],
        cwd=ROOT / "ui-tests", env=env)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
