"""A remote saved once (through the sidecar's HTTP API, or through the CLI) works,
unchanged and with no other configuration, in rclone, the AWS CLI and fsspec/s3fs;
a GCS remote on fake-gcs-server is listed by the sidecar and by rclone."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sidecar_process import BUNDLE, VENV_BIN, node, start_sidecar


@pytest.fixture()
def sidecar(isolated_env, tmp_path):
    side = start_sidecar(isolated_env, tmp_path / "sidecar.log")
    yield side
    side.stop()


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def assert_real_tools_list_readme(name: str, env: dict[str, str]) -> None:
    """rclone, the AWS CLI and fsspec, each with nothing but the remote's name."""
    rclone = run([str(VENV_BIN / "rclone"), "lsjson", f"{name}:climate-data"], env)
    assert rclone.returncode == 0, rclone.stderr
    assert "README.md" in {entry["Name"] for entry in json.loads(rclone.stdout)}

    aws = run([str(VENV_BIN / "aws"), "s3", "ls", "s3://climate-data", "--profile", name], env)
    assert aws.returncode == 0, aws.stderr
    assert "README.md" in aws.stdout

    script = (
        "import sys, fsspec; "
        "print('\\n'.join(fsspec.filesystem('s3', profile=sys.argv[1]).ls('climate-data')))"
    )
    fs = run([sys.executable, "-c", script, name], env)
    assert fs.returncode == 0, fs.stderr
    assert "climate-data/README.md" in fs.stdout.splitlines()


def test_osn_style_remote_saved_through_the_api_works_in_rclone_aws_and_fsspec(sidecar, isolated_env, server_env):
    answer = sidecar.request(
        "POST",
        "/api/v1/remotes",
        {
            "name": "osn-api",
            "preset": "osn",
            "endpoint": server_env["JB_TEST_S3_ENDPOINT"],
            "accessKeyId": server_env["JB_TEST_S3_ACCESS_KEY"],
            "secretAccessKey": server_env["JB_TEST_S3_SECRET_KEY"],
        },
    )
    assert answer.status_code == 201, answer.text
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in answer.text
    assert_real_tools_list_readme("osn-api", isolated_env)
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in sidecar.log.read_text()
    for path in ("AWS_SHARED_CREDENTIALS_FILE", "RCLONE_CONFIG"):
        assert Path(isolated_env[path]).stat().st_mode & 0o777 == 0o600


def test_remote_saved_through_the_cli_works_in_rclone_aws_and_fsspec(isolated_env, server_env):
    cli = [node(), str(BUNDLE), "remotes"]
    added = run(
        cli
        + [
            "add",
            "weed-cli",
            "--preset",
            "s3-compatible",
            "--endpoint",
            server_env["JB_TEST_S3_ENDPOINT"],
            "--access-key-id",
            server_env["JB_TEST_S3_ACCESS_KEY"],
            "--secret-stdin",
            "--bookmark",
            "climate-data",
            "--json",
        ],
        isolated_env,
        stdin=server_env["JB_TEST_S3_SECRET_KEY"] + "\n",
    )
    assert added.returncode == 0, added.stderr
    detail = json.loads(added.stdout)
    assert detail["sources"] == ["aws", "rclone"]
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in added.stdout + added.stderr
    assert_real_tools_list_readme("weed-cli", isolated_env)

    tested = run(cli + ["test", "weed-cli"], isolated_env)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.startswith("ok:")

    # Without a secret on a pipe, add refuses (secrets never come from argv).
    refused = run(
        cli + ["add", "nokey", "--preset", "s3-compatible", "--endpoint", server_env["JB_TEST_S3_ENDPOINT"], "--access-key-id", "x"],
        isolated_env,
        stdin="",
    )
    assert refused.returncode != 0
    assert refused.stderr.startswith("jupyter-buckets: ")
    assert "--secret-stdin" in refused.stderr

    removed = run(cli + ["rm", "weed-cli", "--yes"], isolated_env)
    assert removed.returncode == 0, removed.stderr
    assert "weed-cli" not in Path(isolated_env["RCLONE_CONFIG"]).read_text()


class _TokenHandler(http.server.BaseHTTPRequestHandler):
    """A stand-in for oauth2.googleapis.com: fake-gcs-server ignores the token, rclone still asks for one."""

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"access_token": "dummy", "token_type": "Bearer", "expires_in": 3600}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def token_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TokenHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()


def _service_account(token_uri: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "test-project",
            "private_key_id": "k1",
            "private_key": pem,
            "client_email": "tester@test-project.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": token_uri,
        }
    )


def test_gcs_remotes_on_fake_gcs_server_are_listed_by_the_sidecar_and_rclone(sidecar, isolated_env, server_env, token_server):
    gcs = server_env["JB_TEST_GCS_ENDPOINT"]
    key = _service_account(token_server)
    answer = sidecar.request(
        "POST", "/api/v1/remotes", {"name": "leap-sa", "preset": "gcs", "endpoint": gcs, "serviceAccountJson": key}
    )
    assert answer.status_code == 201, answer.text
    key_file = Path(answer.json()["serviceAccountFile"])
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    assert "PRIVATE KEY" not in answer.text

    listed = run([str(VENV_BIN / "rclone"), "lsjson", "leap-sa:leap-persistent"], isolated_env)
    assert listed.returncode == 0, listed.stderr
    assert "README.md" in {entry["Name"] for entry in json.loads(listed.stdout)}

    # Anonymous access to the same server: the sidecar and rclone both list it.
    answer = sidecar.request(
        "POST", "/api/v1/remotes", {"name": "leap-open", "preset": "public", "provider": "gcs", "endpoint": gcs}
    )
    assert answer.status_code == 201, answer.text
    buckets = sidecar.request("GET", "/api/v1/remotes/leap-open/buckets")
    assert buckets.status_code == 200, buckets.text
    assert "leap-persistent" in {b["name"] for b in buckets.json()["buckets"]}
    listed = run([str(VENV_BIN / "rclone"), "lsjson", "leap-open:leap-scratch/funky-user"], isolated_env)
    assert listed.returncode == 0, listed.stderr
    assert "test.txt" in {entry["Name"] for entry in json.loads(listed.stdout)}
    assert "PRIVATE KEY" not in sidecar.log.read_text()
