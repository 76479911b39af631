"""The sidecar behind a real Jupyter server: reachable with Jupyter's auth, unreachable without it."""

from __future__ import annotations

import http.client
import json
import os
import socket
from pathlib import Path

import jupyter_buckets
from jupyter_buckets.proxy import setup_jupyter_buckets

HEALTH = "/jupyter-buckets/api/v1/health"


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def unix_get(path: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    conn = UnixHTTPConnection(path)
    try:
        conn.request("GET", url, headers=headers or {})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def sidecar_process(jupyter_pid: int) -> tuple[int, str]:
    """(pid, socket path) of the sidecar that this Jupyter server started."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().decode().split("\0")
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == jupyter_pid and any(a.endswith("jupyter-buckets.cjs") for a in args) and "--socket" in args:
            found.append((int(proc.name), args[args.index("--socket") + 1]))
    assert len(found) == 1, f"expected one sidecar child of Jupyter (pid {jupyter_pid}), found {found}"
    return found[0]


def test_health_through_jupyter(jupyter):
    response = jupyter.get(HEALTH)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "version": jupyter_buckets.__version__}


def test_remotes_through_jupyter_hide_secrets(jupyter, server_env):
    response = jupyter.get("/jupyter-buckets/api/v1/remotes")
    assert response.status_code == 200, response.text
    names = {remote["name"] for remote in response.json()["remotes"]}
    assert {"demo-s3", "demo-gcs", "unreachable"} <= names
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in response.text
    assert "unreachable-dummy-secret" not in response.text


def test_without_jupyter_token_the_sidecar_is_not_reached(jupyter):
    jupyter.get(HEALTH)  # the sidecar is running, so a pass here is not just "not started"
    response = jupyter.get(HEALTH, auth=False, allow_redirects=False)
    assert response.status_code in (302, 403), response.status_code
    assert '"version"' not in response.text
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


def test_sidecar_socket_requires_the_per_launch_secret(jupyter):
    assert jupyter.get(HEALTH).status_code == 200
    pid, socket_path = sidecar_process(jupyter.proc.pid)

    status, body = unix_get(socket_path, "/api/v1/health")
    assert status == 403
    assert body["error"]["code"] == "forbidden"

    status, body = unix_get(socket_path, "/api/v1/health", {"X-Jupyter-Buckets-Token": "wrong-secret"})
    assert status == 403
    assert body["error"]["code"] == "forbidden"

    # The secret the proxy gave it does open the socket: the 403s above are the guard, not a broken socket.
    environ = dict(
        item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0") if "=" in item
    )
    status, body = unix_get(socket_path, "/api/v1/health", {"X-Jupyter-Buckets-Token": environ["JUPYTER_BUCKETS_TOKEN"]})
    assert status == 200
    assert body["version"] == jupyter_buckets.__version__


def test_sidecar_socket_is_private(jupyter):
    assert jupyter.get(HEALTH).status_code == 200
    _, socket_path = sidecar_process(jupyter.proc.pid)
    assert os.stat(socket_path).st_mode & 0o007 == 0 or os.stat(Path(socket_path).parent).st_mode & 0o007 == 0


def test_proxy_config_uses_a_unix_socket_and_a_fresh_secret_per_launch():
    first, second = setup_jupyter_buckets(), setup_jupyter_buckets()
    assert first["unix_socket"] is True
    assert first["launcher_entry"] == {"enabled": False}
    assert first["timeout"] >= 30
    assert first["command"][-2:] == ["--socket", "{unix_socket}"]
    token = first["environment"]["JUPYTER_BUCKETS_TOKEN"]
    assert first["request_headers_override"] == {"X-Jupyter-Buckets-Token": token}
    assert len(token) >= 40
    assert token != second["environment"]["JUPYTER_BUCKETS_TOKEN"]


def test_a_missing_bundle_gives_a_command_that_fails_clearly(monkeypatch, tmp_path):
    import subprocess

    from jupyter_buckets import node

    monkeypatch.setattr(node, "BUNDLE", tmp_path / "jupyter-buckets.cjs")
    config = setup_jupyter_buckets()
    assert config["unix_socket"] is True
    result = subprocess.run(config["command"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "server part is missing" in result.stderr


def test_the_local_disk_is_the_jupyter_root_and_escapes_are_refused(jupyter):
    # The sidecar learns the server's root_dir from the jupyter_buckets server
    # extension, so "local" lists exactly what the file browser shows.
    (jupyter.root / "outputs").mkdir(exist_ok=True)
    (jupyter.root / "outputs" / "result.nc").write_bytes(b"netcdf")
    listing = jupyter.get("/jupyter-buckets/api/v1/remotes/local/buckets/root/objects?prefix=outputs/")
    assert listing.status_code == 200, listing.text
    assert [o["key"] for o in listing.json()["objects"]] == ["outputs/result.nc"]
    escape = jupyter.get("/jupyter-buckets/api/v1/remotes/local/buckets/root/object?key=../jupyter.log")
    assert escape.status_code == 403, escape.text
    assert escape.json()["error"]["code"] == "path_outside_root"
