""""Use on my computer": the snippets the hub's sidecar gives, pasted on a
laptop (a fresh HOME with nothing configured) into the real AWS CLI, rclone
and Python (s3fs, gcsfs), reach the bucket; temporary S3 keys minted by
SeaweedFS's STS for one bucket reach that bucket only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sidecar_process import VENV_BIN, start_sidecar
from test_interop import _service_account, run, token_server  # noqa: F401 - token_server is a fixture


@pytest.fixture()
def hub(isolated_env, tmp_path):
    side = start_sidecar(isolated_env, tmp_path / "sidecar.log")
    yield side
    side.stop()


@pytest.fixture()
def laptop(tmp_path) -> dict[str, str]:
    """A computer that has never seen this hub: its own HOME, no AWS, rclone or Google settings."""
    home = tmp_path / "laptop"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "RCLONE_", "GOOGLE_", "CLOUDSDK_", "JB_", "JUPYTER"))
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), PATH=f"{VENV_BIN}{os.pathsep}{env['PATH']}")
    return env


def paste(snippet: dict, env: dict[str, str]):
    """Run a snippet as a user would after pasting it: a shell one in bash, a Python one in python."""
    if snippet["language"] == "shell":
        return run(["bash", "-e", "-c", snippet["text"]], env)
    return run([sys.executable, "-c", snippet["text"]], env)


def take_home(hub, remote: str, body: dict) -> dict:
    answer = hub.request("POST", f"/api/v1/remotes/{remote}/take-home", body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    return answer.json()


def test_temporary_s3_keys_for_one_bucket_work_in_the_aws_cli_rclone_and_fsspec_on_a_laptop(hub, laptop, server_env):
    created = hub.request(
        "POST",
        "/api/v1/remotes",
        {
            "name": "osn-hub",
            "preset": "osn",
            "endpoint": server_env["JB_TEST_S3_ENDPOINT"],
            "accessKeyId": server_env["JB_TEST_S3_ACCESS_KEY"],
            "secretAccessKey": server_env["JB_TEST_S3_SECRET_KEY"],
        },
    )
    assert created.status_code == 201, created.text
    answer = take_home(hub, "osn-hub", {"path": "climate-data"})
    assert answer["credentials"]["kind"] == "temporary"
    assert answer["credentials"]["reach"] == {"bucket": "climate-data", "readOnly": False}
    assert [s["tool"] for s in answer["snippets"]] == ["aws-cli", "rclone", "fsspec"]

    for snippet in answer["snippets"]:
        assert server_env["JB_TEST_S3_SECRET_KEY"] not in snippet["text"]
        done = paste(snippet, laptop)
        assert done.returncode == 0, f"{snippet['tool']}: {done.stderr}"
        assert "README.md" in done.stdout, f"{snippet['tool']}: {done.stdout}"

    # Written where each tool looks on the laptop, with the session token.
    home = Path(laptop["HOME"])
    assert "aws_session_token" in (home / ".aws" / "credentials").read_text()
    assert "session_token" in (home / ".config" / "rclone" / "rclone.conf").read_text()

    # The keys reach that bucket and no other (writing into it is the sidecar
    # integration test's, on a bucket of its own).
    aws = [str(VENV_BIN / "aws"), "s3", "cp", "-", "--profile", "osn-hub"]
    refused = run([*aws, "s3://scratch/from-laptop.txt"], laptop, stdin="hello")
    assert refused.returncode != 0
    assert "AccessDenied" in refused.stderr
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in hub.log.read_text()


def test_a_gcs_token_from_a_service_account_works_in_rclone_and_gcsfs_on_a_laptop(hub, laptop, server_env, token_server):
    created = hub.request(
        "POST",
        "/api/v1/remotes",
        {
            "name": "leap-gcs",
            "preset": "gcs",
            "endpoint": server_env["JB_TEST_GCS_ENDPOINT"],
            "serviceAccountJson": _service_account(token_server),
        },
    )
    assert created.status_code == 201, created.text
    answer = take_home(hub, "leap-gcs", {"path": "leap-persistent"})
    assert answer["credentials"]["kind"] == "temporary"
    assert answer["credentials"]["source"] == "access-token"
    assert [s["tool"] for s in answer["snippets"]] == ["rclone", "fsspec"]
    for snippet in answer["snippets"]:
        assert "PRIVATE KEY" not in snippet["text"]
        done = paste(snippet, laptop)
        assert done.returncode == 0, f"{snippet['tool']}: {done.stderr}"
        assert "README.md" in done.stdout, f"{snippet['tool']}: {done.stdout}"
    assert "access_token" in (Path(laptop["HOME"]) / ".config" / "rclone" / "rclone.conf").read_text()
