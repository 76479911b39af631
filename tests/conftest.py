"""Fixtures: the servers' env (from scripts/servers.py run) and a real Jupyter server with jupyter-buckets."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REQUIRED_ENV = (
    "JB_TEST_S3_ENDPOINT",
    "JB_TEST_S3_ACCESS_KEY",
    "JB_TEST_S3_SECRET_KEY",
    "JB_TEST_GCS_ENDPOINT",
    "JB_TEST_DEAD_ENDPOINT",
    "JB_TEST_CONFIG_DIR",
)
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def server_env() -> dict[str, str]:
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: these tests need the real S3 and GCS servers. "
            "Run them as: .venv/bin/python scripts/servers.py run -- .venv/bin/python -m pytest -q tests"
        )
    return {name: os.environ[name] for name in REQUIRED_ENV}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    def __init__(self, url: str, token: str, proc: subprocess.Popen, root: Path) -> None:
        self.url = url
        self.token = token
        self.proc = proc
        self.root = root

    def get(self, path: str, auth: bool = True, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"} if auth else {}
        kwargs.setdefault("timeout", 60)
        return requests.get(f"{self.url}{path}", headers=headers, **kwargs)


@pytest.fixture(scope="session")
def jupyter(server_env, tmp_path_factory) -> JupyterServer:
    tmp = tmp_path_factory.mktemp("jupyter")
    root = tmp / "root"
    root.mkdir()
    port = _free_port()
    token = secrets.token_hex(24)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
    )
    env.pop("JUPYTER_BUCKETS_NODE", None)
    log = open(tmp / "jupyter.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = JupyterServer(f"http://127.0.0.1:{port}", token, proc, root)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"jupyter server exited ({proc.returncode}):\n{(tmp / 'jupyter.log').read_text()[-3000:]}")
        try:
            if server.get("/api/status", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"jupyter server not ready in 60 s:\n{(tmp / 'jupyter.log').read_text()[-3000:]}")
        time.sleep(0.2)
    yield server
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
    log.close()


@pytest.fixture()
def isolated_env(tmp_path, server_env) -> dict[str, str]:
    """Every config path in a temp dir: the harness's demo files and the real ~ are never touched."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("AWS_") or name in ("GOOGLE_APPLICATION_CREDENTIALS", "RCLONE_CONFIG"):
            env.pop(name)
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws" / "credentials"),
        AWS_CONFIG_FILE=str(tmp_path / "aws" / "config"),
        RCLONE_CONFIG=str(tmp_path / "rclone" / "rclone.conf"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env
