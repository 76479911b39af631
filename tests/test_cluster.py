"""Copies on a Dask cluster: a real LocalCluster (two worker processes), real
SeaweedFS and fake-gcs-server, the installed `jupyter-buckets --via dask`.

A worker is killed mid-copy in each test: Dask runs its shard again
elsewhere, and the bytes at the destination must still be exactly the
source's, with nothing left half-written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import VENV_BIN

distributed = pytest.importorskip("distributed")

MiB = 1024 * 1024
# Part size the engine uses for files split in ranges (cluster/shards.ts).
SPLIT_PART_SIZE = 16 * MiB
# Buckets of this run (the servers may outlive one run of the tests).
RUN = os.urandom(3).hex()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_kwargs={"dashboard": False},
        worker_dashboard_address=None,
    ) as local:
        with distributed.Client(local) as client:
            yield local, client


@pytest.fixture(scope="module")
def env(server_env, cluster, tmp_path_factory):
    """The servers' env, the cluster's address, and a second S3 remote on the same
    store with other settings: copies between the two stream (no server-side copy)."""
    local, _client = cluster
    config = tmp_path_factory.mktemp("rclone") / "rclone.conf"
    text = Path(os.environ["RCLONE_CONFIG"]).read_text()
    demo = text.split("[demo-s3]", 1)[1].split("\n\n", 1)[0]
    config.write_text(text + "\n[other-s3]" + demo + "\nforce_path_style = true\n")
    config.chmod(0o600)
    return {**os.environ, "RCLONE_CONFIG": str(config), "DASK_SCHEDULER_ADDRESS": local.scheduler_address}


# What the tests made, removed at the end: other suites list the servers' buckets.
MADE_S3: list[str] = []
MADE_GCS: list[tuple[str, str]] = []  # (bucket, prefix); prefix "" removes the bucket


@pytest.fixture(scope="module", autouse=True)
def remove_what_was_made(server_env):
    yield
    s3 = s3_client(server_env)
    for bucket in MADE_S3:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        s3.delete_bucket(Bucket=bucket)
    base = f"{server_env['JB_TEST_GCS_ENDPOINT']}/storage/v1/b"
    for bucket, prefix in MADE_GCS:
        for name in gcs_md5s(server_env, bucket, prefix):
            requests.delete(f"{base}/{bucket}/o/{requests.utils.quote(prefix + name, safe='')}", timeout=30)
        if not prefix:
            requests.delete(f"{base}/{bucket}", timeout=30)


def jb(env, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(VENV_BIN / "jupyter-buckets"), *args], env=env, capture_output=True, text=True, timeout=900
    )
    if check and result.returncode != 0:
        raise AssertionError(f"jupyter-buckets {' '.join(args)}: {result.stderr[-2000:]}")
    return result


def s3_client(server_env):
    import botocore.session

    return botocore.session.get_session().create_client(
        "s3",
        endpoint_url=server_env["JB_TEST_S3_ENDPOINT"],
        aws_access_key_id=server_env["JB_TEST_S3_ACCESS_KEY"],
        aws_secret_access_key=server_env["JB_TEST_S3_SECRET_KEY"],
        region_name="us-east-1",
    )


def gcs_bucket(server_env, name: str) -> None:
    requests.post(
        f"{server_env['JB_TEST_GCS_ENDPOINT']}/storage/v1/b?project=test", json={"name": name}, timeout=30
    ).raise_for_status()


def gcs_md5s(server_env, bucket: str, prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    token = None
    while True:
        params = {"prefix": prefix, **({"pageToken": token} if token else {})}
        page = requests.get(
            f"{server_env['JB_TEST_GCS_ENDPOINT']}/storage/v1/b/{bucket}/o", params=params, timeout=60
        ).json()
        for item in page.get("items", []):
            found[item["name"][len(prefix) :]] = base64.b64decode(item["md5Hash"]).hex()
        token = page.get("nextPageToken")
        if not token:
            return found


def what_the_scheduler_shows(dask_scheduler) -> str:  # runs on the scheduler
    """The job's tasks as the scheduler (and its dashboard) can show them: keys, reprs of their specs."""
    return "\n".join(f"{ts.key!r} {ts.run_spec!r} {ts!r}" for ts in dask_scheduler.tasks.values())


def everything_dask_logged(client) -> str:
    return repr(client.get_scheduler_logs()) + repr(client.get_worker_logs()) + repr(client.get_events())


def follow_and_kill(env, cluster, args: list[str], kill_after_bytes: int) -> tuple[dict, bool]:
    """Runs a --json copy; kills one busy worker once `kill_after_bytes` are copied. Returns (end job, killed).

    At that moment, what the scheduler holds of the job's tasks must not
    show the remotes' secret; after it, nor may any log or event of Dask's.
    """
    secret = os.environ["JB_TEST_S3_SECRET_KEY"]
    _local, client = cluster
    pids = client.run(os.getpid)
    process = subprocess.Popen(
        [str(VENV_BIN / "jupyter-buckets"), *args, "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.append(process.stderr.read()), daemon=True).start()
    killed = False
    end = None
    for line in process.stdout:
        message = json.loads(line)
        if message["type"] == "progress" and not killed:
            progress = message["job"]["progress"]
            if progress["bytes"] >= kill_after_bytes and progress.get("workers", {}).get("busy", 0) >= 1:
                shown = client.run_on_scheduler(what_the_scheduler_shows)
                assert "jupyter-buckets-" in shown and secret not in shown
                busy = [address for address, tasks in client.processing().items() if tasks]
                victim = busy[0] if busy else next(iter(pids))
                os.kill(pids[victim], signal.SIGKILL)
                killed = True
        elif message["type"] == "end":
            end = message["job"]
        elif message["type"] == "error":
            raise AssertionError(message["error"])
    process.wait(timeout=60)
    assert end is not None, "".join(stderr)[-2000:]
    logged = everything_dask_logged(client)
    assert "jupyter-buckets-" in logged and secret not in logged
    return end, killed


def test_a_folder_goes_from_s3_to_gcs_on_the_workers_and_survives_a_killed_worker(env, cluster, server_env, tmp_path):
    """100 files, 1 GiB, S3 -> GCS, one worker killed mid-copy."""
    source = tmp_path / "folder"
    source.mkdir()
    expected = {}
    for i in range(100):
        data = os.urandom(10 * MiB + i * 1024)
        (source / f"part-{i:03d}.bin").write_bytes(data)
        expected[f"part-{i:03d}.bin"] = hashlib.md5(data).hexdigest()
    s3 = s3_client(server_env)
    src, dst = f"cluster-src-{RUN}", f"cluster-dst-{RUN}"
    s3.create_bucket(Bucket=src)
    MADE_S3.append(src)
    gcs_bucket(server_env, dst)
    MADE_GCS.append((dst, ""))
    jb(env, "cp", f"{source}/", f"demo-s3:{src}/folder/")
    total = sum(p.stat().st_size for p in source.iterdir())

    end, killed = follow_and_kill(
        env, cluster, ["cp", f"demo-s3:{src}/folder/", f"demo-gcs:{dst}/copy/", "--via", "dask"], total // 4
    )

    assert killed, "no worker was busy to kill"
    assert end["state"] == "done", end["errors"][:3] or end.get("error")
    assert end["progress"]["files"] == 100
    assert end["progress"]["shards"]["done"] == end["progress"]["shards"]["total"] > 1
    assert gcs_md5s(server_env, dst, "copy/") == expected


def multipart_etag(path: Path, part_size: int) -> str:
    digests = []
    with path.open("rb") as file:
        while chunk := file.read(part_size):
            digests.append(hashlib.md5(chunk).digest())
    return f"{hashlib.md5(b''.join(digests)).hexdigest()}-{len(digests)}"


def test_a_2_gib_object_is_split_across_workers_and_completed_whole(env, cluster, server_env, tmp_path):
    """One 2 GiB object in ranges of one multipart upload, a worker killed mid-copy."""
    big = tmp_path / "big.bin"
    with big.open("wb") as file:
        for _ in range(128):
            file.write(os.urandom(16 * MiB))
    s3 = s3_client(server_env)
    bucket = f"cluster-big-{RUN}"
    s3.create_bucket(Bucket=bucket)
    MADE_S3.append(bucket)
    jb(env, "cp", str(big), f"demo-s3:{bucket}/in/big.bin")
    big_size = big.stat().st_size

    end, killed = follow_and_kill(
        env, cluster, ["cp", f"demo-s3:{bucket}/in/big.bin", f"other-s3:{bucket}/out/", "--via", "dask"], big_size // 4
    )

    assert killed
    assert end["state"] == "done", end["errors"][:3] or end.get("error")
    assert end["progress"]["shards"]["total"] >= 8  # 256 MiB ranges
    head = s3.head_object(Bucket=bucket, Key="out/big.bin")
    assert head["ContentLength"] == big_size
    # The ETag of a multipart upload is the MD5 of its parts' MD5s: the bytes, part by part.
    assert head["ETag"].strip('"') == multipart_etag(big, SPLIT_PART_SIZE)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    big.unlink()


def test_no_cluster_is_refused_before_any_job(server_env, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env["DASK_SCHEDULER_ADDRESS"] = server_env["JB_TEST_DEAD_ENDPOINT"].replace("http://", "tcp://")
    result = jb(env, "cp", "demo-s3:climate-data/", "demo-gcs:leap-scratch/x/", "--via", "dask", "--json", check=False)
    assert result.returncode == 1
    error = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] == "cluster_unavailable"
    assert "did not answer" in error["message"]


def test_the_jupyter_disk_is_not_sent_to_a_cluster(env, tmp_path):
    (tmp_path / "a.txt").write_text("a")
    result = jb(env, "cp", f"{tmp_path}/", "demo-s3:climate-data/x/", "--via", "dask", "--json", check=False)
    assert result.returncode == 1
    error = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] == "invalid_request"
    assert "not on the Dask cluster" in error["message"]


def test_the_python_api_runs_a_copy_on_the_cluster(cluster, server_env, tmp_path, monkeypatch):
    import jupyter_buckets

    local, _client = cluster
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.delenv("JUPYTER_BUCKETS_SERVER_INFO", raising=False)
    s3 = s3_client(server_env)
    bucket = f"cluster-api-{RUN}"
    s3.create_bucket(Bucket=bucket)
    MADE_S3.append(bucket)
    MADE_GCS.append(("leap-scratch", f"api-{RUN}/"))
    sizes = {f"chunk-{i}": 1000 * (i + 1) for i in range(12)}
    for name, size in sizes.items():
        s3.put_object(Bucket=bucket, Key=f"store/{name}", Body=os.urandom(size))

    result = jupyter_buckets.copy(
        f"demo-s3:{bucket}/store/", f"demo-gcs:leap-scratch/api-{RUN}/", via="dask", scheduler=local.scheduler_address, progress=False
    )

    assert result.files == 12
    assert result.bytes == sum(sizes.values())
    listed = {entry["name"]: entry["size"] for entry in jupyter_buckets.ls(f"demo-gcs:leap-scratch/api-{RUN}/")}
    assert listed == sizes


def test_a_shard_input_shows_nothing_of_what_it_holds_and_crosses_pickling_whole():
    import pickle

    from jupyter_buckets.cluster.shard import Sealed

    sealed = Sealed(b'{"secretAccessKey": "s3cr3t-value"}')
    for shown in (repr(sealed), str(sealed), repr([sealed]), f"{sealed}"):
        assert "s3cr3t" not in shown
    assert pickle.loads(pickle.dumps(sealed)).reveal() == sealed.reveal()


def test_the_scheduler_address_is_shown_without_credentials():
    from jupyter_buckets.cluster.connect import shown_address

    assert shown_address("tls://alice:pa55@sched.example.org:8786") == "tls://sched.example.org:8786"
    assert shown_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def gateway(tmp_path):
    """A real Dask Gateway server on loopback, its clusters local processes (dask-gateway-server's local backend)."""
    api, proxy, tcp = free_port(), free_port(), free_port()
    dask = VENV_BIN / "dask"
    (tmp_path / "gateway_config.py").write_text(
        f'c.DaskGateway.address = "127.0.0.1:{api}"\n'
        f'c.Proxy.address = "127.0.0.1:{proxy}"\n'
        f'c.Proxy.tcp_address = "127.0.0.1:{tcp}"\n'
        'c.DaskGateway.backend_class = "dask_gateway_server.backends.local.UnsafeLocalBackend"\n'
        'c.DaskGateway.authenticator_class = "dask_gateway_server.auth.SimpleAuthenticator"\n'
        "c.ClusterConfig.worker_cores = 1\n"
        'c.ClusterConfig.worker_memory = "1 G"\n'
        "c.ClusterConfig.cluster_max_workers = 2\n"
        f'c.ClusterConfig.scheduler_cmd = ["{dask}", "scheduler"]\n'
        f'c.ClusterConfig.worker_cmd = ["{dask}", "worker"]\n'
    )
    log = open(tmp_path / "gateway.log", "wb")
    server = subprocess.Popen(
        [str(VENV_BIN / "dask-gateway-server"), "-f", str(tmp_path / "gateway_config.py")],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    client_env = {
        "DASK_GATEWAY__ADDRESS": f"http://127.0.0.1:{proxy}",
        "DASK_GATEWAY__PROXY_ADDRESS": f"tcp://127.0.0.1:{tcp}",
        "DASK_GATEWAY__AUTH__TYPE": "basic",
        "DASK_GATEWAY__AUTH__KWARGS__USERNAME": "alice",
    }
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{proxy}/api/health", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.3)
    try:
        yield client_env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_with_dask_gateway_configured_a_cluster_is_made_for_the_job_and_shut_down_after(server_env, gateway, tmp_path):
    from dask_gateway import Gateway

    s3 = s3_client(server_env)
    bucket = f"cluster-gw-{RUN}"
    s3.create_bucket(Bucket=bucket)
    MADE_S3.append(bucket)
    MADE_GCS.append(("leap-scratch", f"gw-{RUN}/"))
    sizes = {f"f-{i}": 5000 + i for i in range(6)}
    for name, size in sizes.items():
        s3.put_object(Bucket=bucket, Key=f"in/{name}", Body=os.urandom(size))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env.update(gateway)

    result = jb(env, "cp", f"demo-s3:{bucket}/in/", f"demo-gcs:leap-scratch/gw-{RUN}/", "--via", "dask", "--json")

    end = json.loads(result.stdout.strip().splitlines()[-1])["job"]
    assert end["state"] == "done", end
    assert end["progress"]["files"] == 6
    assert end["progress"]["workers"]["total"] >= 1
    listed = requests.get(
        f"{server_env['JB_TEST_GCS_ENDPOINT']}/storage/v1/b/leap-scratch/o", params={"prefix": f"gw-{RUN}/"}, timeout=30
    ).json()
    assert {item["name"][len(f"gw-{RUN}/"):]: int(item["size"]) for item in listed["items"]} == sizes
    # The cluster made for the job is gone with it.
    with Gateway(address=gateway["DASK_GATEWAY__ADDRESS"], proxy_address=gateway["DASK_GATEWAY__PROXY_ADDRESS"],
                 auth="basic") as client:
        assert [c for c in client.list_clusters() if c.status.name in ("PENDING", "RUNNING")] == []
