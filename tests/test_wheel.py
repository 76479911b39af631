"""The built wheel carries everything a user needs: labextension, sidecar bundle, server config."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_built_parts(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=600,
    )
    [wheel] = tmp_path.glob("jupyter_buckets-*.whl")
    version = json.loads((ROOT / "packages/labextension/package.json").read_text())["version"]
    assert wheel.name.startswith(f"jupyter_buckets-{version}-")

    names = set(zipfile.ZipFile(wheel).namelist())
    data = f"jupyter_buckets-{version}.data/data"
    labext = f"{data}/share/jupyter/labextensions/@jupyter-buckets/labextension"
    assert f"{labext}/package.json" in names
    assert f"{labext}/install.json" in names
    assert any(n.startswith(f"{labext}/static/remoteEntry.") and n.endswith(".js") for n in names)
    assert f"{data}/etc/jupyter/jupyter_server_config.d/jupyter_buckets.json" in names
    assert "jupyter_buckets/sidecar/jupyter-buckets.cjs" in names
    assert "jupyter_buckets/sidecar/sidecar.cjs" in names
    for module in ("__init__", "node", "proxy", "cli"):
        assert f"jupyter_buckets/{module}.py" in names

    entry_points = zipfile.ZipFile(wheel).read(f"jupyter_buckets-{version}.dist-info/entry_points.txt").decode()
    assert "[jupyter_serverproxy_servers]" in entry_points
    assert "jupyter-buckets = jupyter_buckets.proxy:setup_jupyter_buckets" in entry_points
    assert "jupyter-buckets = jupyter_buckets.cli:main" in entry_points
