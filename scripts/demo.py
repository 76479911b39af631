#!/usr/bin/env python3
"""`make demo`: S3 (SeaweedFS) and GCS (fake-gcs-server) with sample data, and JupyterLab with jupyter-buckets.

Everything lives under .demo/ (servers' data, the demo remotes' AWS and rclone
files, Jupyter's config and the notebook folder): the user's own ~/.aws,
rclone.conf and Jupyter settings are never read or written. Ctrl-C stops it all.
JB_DEMO_PORT picks JupyterLab's port (default 8888, or the next free one).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
HOME = DEMO / "home"


def log(message: str) -> None:
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def choose_port() -> int:
    wanted = os.environ.get("JB_DEMO_PORT")
    if wanted:
        port = int(wanted)
        if not port_is_free(port):
            raise SystemExit(f"[demo] JB_DEMO_PORT={port} is in use")
        return port
    for port in range(8888, 8988):
        if port_is_free(port):
            return port
    raise SystemExit("[demo] no free port in 8888..8987: set JB_DEMO_PORT")


def write_home(env: dict[str, str]) -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": [
                "# jupyter-buckets demo\n",
                "\n",
                "Two real object stores run beside this JupyterLab, on 127.0.0.1, with sample data:\n",
                "\n",
                "| remote | what | buckets |\n",
                "|---|---|---|\n",
                "| `demo-s3` | SeaweedFS (S3) | `climate-data`, `scratch` |\n",
                "| `demo-gcs` | fake-gcs-server (Google Cloud Storage) | `leap-persistent`, `leap-scratch` |\n",
                "| `unreachable` | an S3 endpoint nothing listens on | (shows the error) |\n",
                "\n",
                "Open the **Buckets** panel in the left sidebar to browse them. "
                "`many/` holds 1,500 objects, more than one page; `odd/` has awkward names.\n",
                "\n",
                "The remotes are an AWS profile and an rclone remote in the demo's own config "
                "(`.demo/`), so the usual tools work on them too: run the cell below, or try them in a terminal.",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                "!jupyter-buckets remotes list\n",
                "!aws --profile demo-s3 s3 ls s3://climate-data/\n",
                "!rclone lsf demo-gcs:leap-persistent",
            ],
        },
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (HOME / "README.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")


def wait_for_jupyter(url: str, token: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{tail}")
        try:
            request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"JupyterLab not ready after 90 s; see {log_path}")
        time.sleep(0.3)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the demo like Ctrl-C does
    port = choose_port()
    token = secrets.token_hex(24)
    lab: subprocess.Popen | None = None
    try:
        log("starting SeaweedFS and fake-gcs-server ...")
        env = servers.start_servers(DEMO / "servers")
        write_home(env)
        jupyter_dir = DEMO / "jupyter"
        lab_env = servers.scrubbed_env(env)
        lab_env.update(
            JUPYTER_CONFIG_DIR=str(jupyter_dir / "config"),
            JUPYTER_RUNTIME_DIR=str(jupyter_dir / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(jupyter_dir / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(jupyter_dir / "workspaces"),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={HOME}",
            f"--IdentityProvider.token={token}",
        ]
        if os.getuid() == 0:
            command.append("--allow-root")
        jupyter_dir.mkdir(parents=True, exist_ok=True)
        log_path = DEMO / "jupyterlab.log"
        log(f"starting JupyterLab (log: {log_path}) ...")
        with open(log_path, "wb") as lab_log:
            # Its own session: Ctrl-C reaches us, and we stop it without Jupyter's "Shut down? (y/n)".
            lab = subprocess.Popen(
                command, env=lab_env, cwd=HOME, stdout=lab_log, stderr=subprocess.STDOUT, start_new_session=True
            )
        url = f"http://127.0.0.1:{port}"
        wait_for_jupyter(url, token, lab, log_path)
        line = "=" * 72
        print(
            f"\n{line}\n  jupyter-buckets demo is running. Open:\n\n"
            f"    {url}/lab/tree/README.ipynb?token={token}\n\n"
            f"  Remotes demo-s3 (SeaweedFS {env['JB_TEST_S3_ENDPOINT']}),\n"
            f"  demo-gcs (fake-gcs-server {env['JB_TEST_GCS_ENDPOINT']}) and unreachable.\n"
            f"  Their AWS/rclone config: {env['JB_TEST_CONFIG_DIR']}\n"
            f"  Press Ctrl-C to stop everything.\n{line}\n",
            flush=True,
        )
        code = lab.wait()
        log(f"JupyterLab exited with code {code}")
        return 1
    except KeyboardInterrupt:
        log("stopping ...")
        return 0
    except (RuntimeError, OSError) as error:
        log(f"failed: {error}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if lab is not None:
            servers.stop_process_group(lab, "JupyterLab", grace=10)
        servers.stop_servers()
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
