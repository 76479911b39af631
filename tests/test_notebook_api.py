"""The Python API from a notebook: in a real kernel of a real Jupyter server,
copies are jobs of the running sidecar (listed by its API, as the Transfers
panel lists them), failures raise, and filesystem() / mapper() open Zarr
stores on S3 (SeaweedFS) and GCS (fake-gcs-server). Outside Jupyter the same
calls run the CLI's engine."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import textwrap
import warnings
from pathlib import Path

import pytest

import jupyter_buckets as jb
from kernel import Kernel, stdout
from sidecar_process import VENV_BIN

S3_PREFIX = "scratch/notebook-api"


@pytest.fixture()
def kernel(jupyter):
    k = Kernel(jupyter)
    yield k
    k.stop()


def aws_bytes(key: str) -> bytes:
    """An object's bytes as the AWS CLI reads them (the demo-s3 profile), not through our code."""
    done = subprocess.run(
        [str(VENV_BIN / "aws"), "s3", "cp", f"s3://{key}", "-", "--profile", "demo-s3"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_copy_from_a_cell_is_a_job_of_the_running_sidecar(kernel, jupyter):
    result = kernel.run_json(
        textwrap.dedent(
            f"""
            import hashlib, json, os
            import jupyter_buckets as jb
            os.makedirs("outputs/run-42", exist_ok=True)
            data = os.urandom(3_000_000)
            open("outputs/run-42/t2m.bin", "wb").write(data)
            open("outputs/run-42/notes é+%#.txt", "w").write("hello")
            r = jb.copy("outputs/run-42/", "demo-s3:{S3_PREFIX}/run-42/")
            print(json.dumps(dict(id=r.id, via=r.via, state=r.state, files=r.files, bytes=r.bytes,
                                  sha=hashlib.sha256(data).hexdigest())))
            """
        )
    )
    assert result["via"] == "jupyter"
    assert (result["state"], result["files"], result["bytes"]) == ("done", 2, 3_000_005)
    # The job is the sidecar's: listed by the API the Transfers panel reads.
    jobs = jupyter.get("/jupyter-buckets/api/v1/transfers").json()["jobs"]
    job = next(j for j in jobs if j["id"] == result["id"])
    assert job["src"] == "outputs/run-42/" and job["dst"] == f"demo-s3:{S3_PREFIX}/run-42/"
    # Bytes checked with the AWS CLI.
    assert sha(aws_bytes(f"{S3_PREFIX}/run-42/t2m.bin")) == result["sha"]
    assert aws_bytes(f"{S3_PREFIX}/run-42/notes é+%#.txt") == b"hello"

    # rm of a folder is a delete job of the sidecar too, listed with its count.
    removed = kernel.run_json(
        textwrap.dedent(
            f"""
            import json
            import jupyter_buckets as jb
            r = jb.rm("demo-s3:{S3_PREFIX}/run-42", recursive=True, progress=False)
            print(json.dumps(dict(id=r.id, via=r.via, op=r.op, state=r.state, files=r.files,
                                  left=jb.ls("demo-s3:{S3_PREFIX}/run-42/"))))
            """
        )
    )
    assert (removed["via"], removed["op"], removed["state"], removed["files"]) == ("jupyter", "delete", "done", 2)
    assert removed["left"] == []
    jobs = jupyter.get("/jupyter-buckets/api/v1/transfers").json()["jobs"]
    job = next(j for j in jobs if j["id"] == removed["id"])
    assert (job["op"], job["src"], job["dst"]) == ("delete", f"demo-s3:{S3_PREFIX}/run-42/", "")


def test_progress_shows_in_the_cell_as_html_with_the_summary(kernel):
    reply, outputs = kernel.run(
        textwrap.dedent(
            f"""
            import os, jupyter_buckets as jb
            os.makedirs("outputs/bar", exist_ok=True)
            open("outputs/bar/<b>x.bin", "wb").write(os.urandom(1000))
            jb.copy("outputs/bar/", "demo-s3:{S3_PREFIX}/bar/");
            """
        )
    )
    assert reply["status"] == "ok", reply
    shown = [o for o in outputs if o["type"] in ("display_data", "update_display_data")]
    assert shown, outputs
    final = shown[-1]["data"]
    assert "done: 1 files (1000 B)" in final["text/html"]
    assert "done: 1 files" in final["text/plain"]
    # One display, updated in place: every update names the first one's id.
    ids = {o["transient"]["display_id"] for o in shown}
    assert len(ids) == 1


def test_wait_false_returns_a_handle_and_a_path_outside_the_root_runs_in_the_kernel(kernel, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("outside the root")
    result = kernel.run_json(
        textwrap.dedent(
            f"""
            import json, jupyter_buckets as jb
            t = jb.copy({str(outside) + '/'!r}, "demo-s3:{S3_PREFIX}/outside/", wait=False)
            r = t.wait(progress=False)
            print(json.dumps(dict(via=t.via, state=t.status()["state"], files=r.files)))
            """
        )
    )
    assert result == {"via": "cli", "state": "done", "files": 1}
    assert aws_bytes(f"{S3_PREFIX}/outside/a.txt") == b"outside the root"


def test_a_failed_copy_raises_in_the_cell(kernel):
    reply, outputs = kernel.run('import jupyter_buckets as jb\njb.copy("demo-s3:scratch/no-such-folder/", "back/")')
    assert reply["status"] == "error"
    assert reply["ename"] == "BucketsNotFoundError"
    assert "no-such-folder" in reply["evalue"]
    # A store that cannot be reached: the job fails and the cell raises, saying so.
    reply, outputs = kernel.run(
        'import os, jupyter_buckets as jb\nopen("x.txt", "w").write("x")\njb.copy("x.txt", "unreachable:bucket/x.txt")'
    )
    assert reply["status"] == "error"
    assert reply["ename"] in ("TransferError", "BucketsError"), reply
    assert "unreachable" in reply["evalue"] or "reach" in reply["evalue"], reply["evalue"]


def test_filesystem_and_mapper_open_zarr_stores_on_s3_and_gcs(kernel):
    result = kernel.run_json(
        textwrap.dedent(
            f"""
            import json, numpy as np, zarr, jupyter_buckets as jb
            group = zarr.open_group("outputs/tas.zarr", mode="w")
            tas = group.create_array("tas", shape=(40, 30), chunks=(10, 10), dtype="f4")
            tas[:] = np.arange(1200, dtype="f4").reshape(40, 30)
            sums = {{}}
            for where in ("demo-s3:{S3_PREFIX}/tas.zarr/", "demo-gcs:leap-scratch/notebook-api/tas.zarr/"):
                jb.copy("outputs/tas.zarr/", where, progress=False)
                opened = zarr.open_group(jb.mapper(where), mode="r")
                sums[where] = [float(opened["tas"][:].sum()), list(opened["tas"].shape)]
            fs = jb.filesystem("demo-gcs")
            listed = sorted(fs.ls("leap-scratch/notebook-api/tas.zarr"))
            print(json.dumps(dict(sums=sums, listed=listed, protocol=fs.protocol)))
            """
        ),
        timeout=300,
    )
    expected = [float(sum(range(1200))), [40, 30]]
    assert list(result["sums"].values()) == [expected, expected]
    assert "leap-scratch/notebook-api/tas.zarr/zarr.json" in result["listed"]
    assert "gs" in result["protocol"]


# --- outside Jupyter: the CLI's engine in this process's child --------------


@pytest.fixture()
def no_jupyter(monkeypatch, server_env):
    monkeypatch.delenv("JUPYTER_BUCKETS_SERVER_INFO", raising=False)


def test_outside_jupyter_copy_sync_ls_stat_rm(no_jupyter, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("data").mkdir()
    Path("data/a.csv").write_text("x,y\n1,2\n")
    Path("data/b.csv").write_text("x,y\n3,4\n")
    dst = f"demo-s3:{S3_PREFIX}/cli-engine/"
    result = jb.copy("data/", dst, progress=False)
    assert (result.via, result.files, result.bytes) == ("cli", 2, 16)

    names = {e["name"]: e for e in jb.ls(dst)}
    assert set(names) == {"a.csv", "b.csv"} and names["a.csv"]["type"] == "object"
    assert jb.stat(dst + "a.csv")["size"] == 8
    assert jb.du(dst) == {"objects": 2, "bytes": 16}
    store = "demo-s3:climate-data/zarr/sst.zarr/"
    sizes = [e["size"] for e in jb.ls(store, recursive=True) if e["type"] == "object"]
    assert jb.du(store) == {"objects": len(sizes), "bytes": sum(sizes), "zarr": 3}

    Path("data/c.csv").write_text("new")
    plan = jb.sync("data/", dst, dry_run=True, delete=True)
    assert [f["path"] for f in plan.copy] == ["c.csv"] and plan.delete == []
    with pytest.raises(jb.DestinationExistsError) as refused:
        jb.copy("data/", dst, on_conflict="error", progress=False)
    assert {c["path"] for c in refused.value.conflicts} == {"a.csv", "b.csv"}
    assert isinstance(refused.value, FileExistsError)

    removed = jb.rm(dst, recursive=True, progress=False)
    assert (removed.via, removed.op, removed.state, removed.files) == ("cli", "delete", "done", 2)
    assert jb.ls(dst) == []
    with pytest.raises(FileNotFoundError):
        jb.rm(dst, recursive=True, progress=False)
    with pytest.raises(FileNotFoundError):
        jb.stat(dst + "a.csv")
    with pytest.raises(jb.BucketsError, match="needs a kernel started by a Jupyter server"):
        jb.copy("data/", dst, via="jupyter")
    with pytest.raises(ValueError, match="on_conflict"):
        jb.copy("data/", dst, on_conflict="overwrite")


def test_storage_options_never_carry_a_secret_and_filesystem_uses_it_when_needed(
    no_jupyter, isolated_env, server_env, monkeypatch
):
    """A remote whose keys are in rclone.conf alone: storage_options() leaves them out and says so; filesystem() works."""
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "RCLONE_CONFIG"):
        monkeypatch.setenv(name, isolated_env[name])
    rclone = Path(isolated_env["RCLONE_CONFIG"])
    rclone.parent.mkdir(parents=True)
    secret = server_env["JB_TEST_S3_SECRET_KEY"]
    rclone.write_text(
        f"[weed]\ntype = s3\nendpoint = {server_env['JB_TEST_S3_ENDPOINT']}\n"
        f"access_key_id = {server_env['JB_TEST_S3_ACCESS_KEY']}\nsecret_access_key = {secret}\n"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        options = jb.storage_options("weed")
    assert secret not in json.dumps(options)
    assert options["endpoint_url"] == server_env["JB_TEST_S3_ENDPOINT"]
    assert any("rclone.conf only" in str(w.message) for w in caught)
    assert "climate-data/README.md" in jb.filesystem("weed").ls("climate-data")


def test_the_progress_html_escapes_names_from_the_store():
    from jupyter_buckets.progress import _Output

    job = {
        "totals": {"files": 2, "bytes": 100},
        "progress": {"bytes": 50, "files": 1, "rate": 10, "eta": 5},
        "errors": [{"path": "<img src=x onerror=alert(1)>", "message": "<script>x</script>"}],
    }
    shown = _Output("copy <a> -> b", job, None)._repr_html_()
    assert "<img" not in shown and "<script>" not in shown and "<a>" not in shown
    assert '<progress value="50" max="100"' in shown
    assert "50 B / 100 B (50%)" in shown
