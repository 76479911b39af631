"""The hub admin's jupyter_buckets.json is looked for where Jupyter looks for its config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_buckets.proxy import CONFIG_PATH_ENV, setup_jupyter_buckets

VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "jupyter-buckets")


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(changes)
    return env


def _jupyter_config_dirs(env: dict[str, str]) -> list[str]:
    out = subprocess.run([str(VENV_BIN / "jupyter"), "--paths", "--json"], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)["config"]


def _admin_files(env: dict[str, str]) -> list[str]:
    result = subprocess.run([CLI, "remotes", "files", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return [f["path"] for f in json.loads(result.stdout)["files"] if f["source"] == "admin"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"JUPYTER_CONFIG_PATH": "/srv/a:/srv/b/"},
        {"JUPYTER_PREFER_ENV_PATH": "0"},
        {"JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_CONFIG_DIR": "/srv/cfg"},
    ],
)
def test_the_cli_looks_where_jupyter_paths_says(tmp_path, changes):
    env = _env(HOME=str(tmp_path), **changes)
    expected = [os.path.join(d, "jupyter_buckets.json") for d in _jupyter_config_dirs(env)]
    assert _admin_files(env) == expected


def test_the_named_file_comes_first(tmp_path):
    env = _env(HOME=str(tmp_path), JUPYTER_BUCKETS_CONFIG="/srv/hub.json")
    assert _admin_files(env)[0] == "/srv/hub.json"


def test_the_sidecar_gets_the_servers_own_list():
    from jupyter_core.paths import jupyter_config_path

    environment = setup_jupyter_buckets()["environment"]
    assert environment[CONFIG_PATH_ENV] == os.pathsep.join(jupyter_config_path())


def test_a_file_in_the_users_jupyter_dir_sets_rules(tmp_path):
    config_dir = tmp_path / "jupyter"
    config_dir.mkdir()
    (config_dir / "jupyter_buckets.json").write_text(
        json.dumps({"remotes": {"pubs": {"provider": "s3", "anonymous": True, "readOnly": True}}})
    )
    env = _env(HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(config_dir), JUPYTERHUB_USER="alice")
    result = subprocess.run([CLI, "remotes", "list", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    pubs = {r["name"]: r for r in json.loads(result.stdout)["remotes"]}["pubs"]
    assert pubs["policy"] == {"readOnly": True, "setBy": {"readOnly": str(config_dir / "jupyter_buckets.json")}}
    assert pubs["sources"] == ["admin"]
