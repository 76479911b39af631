"""A sidecar of a test's own (`jupyter-buckets serve --port`), started from the
built bundle with the environment the test gives it, and stopped with SIGTERM."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from jupyter_buckets.node import find_node

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BUNDLE = ROOT / "jupyter_buckets" / "sidecar" / "jupyter-buckets.cjs"
TOKEN_HEADER = "x-jupyter-buckets-token"


def node() -> str:
    """The Node binary the product runs (not .venv/bin/node, a Python wrapper
    that would take our signals instead of the sidecar)."""
    return find_node()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sidecar:
    def __init__(self, url: str, token: str, proc: subprocess.Popen, log: Path) -> None:
        self.url, self.token, self.proc, self.log = url, token, proc, log

    def request(self, method: str, path: str, body=None) -> requests.Response:
        headers = {TOKEN_HEADER: self.token}
        if method != "GET":
            headers["content-type"] = "application/json"
        return requests.request(method, f"{self.url}{path}", headers=headers, json=body, timeout=60)

    def stop(self) -> int:
        """SIGTERM, as jupyter-server-proxy stops it; returns the exit code."""
        self.proc.terminate()
        return self.proc.wait(timeout=20)


def start_sidecar(env: dict[str, str], log: Path) -> Sidecar:
    assert BUNDLE.exists(), f"{BUNDLE} is missing: npm run build --workspace=@jupyter-buckets/sidecar"
    port = free_port()
    token = secrets.token_hex(16)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [node(), str(BUNDLE), "serve", "--port", str(port)],
            env={**env, "JUPYTER_BUCKETS_TOKEN": token},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    side = Sidecar(f"http://127.0.0.1:{port}", token, proc, log)
    deadline = time.monotonic() + 30
    while True:
        try:
            if side.request("GET", "/").status_code == 200:
                return side
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"sidecar did not start:\n{log.read_text()}")
        time.sleep(0.1)
