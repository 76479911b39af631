"""Transfers when things die: the S3 server killed in the middle of a large
upload, and the sidecar stopped in the middle of one. A SeaweedFS and a
sidecar of the test's own, so the shared servers are never disturbed. Either
way the destination never shows a partial object, and the upload continues
from the parts the store already holds instead of starting again."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import pytest

from sidecar_process import Sidecar, start_sidecar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from servers import LoneSeaweedFS  # noqa: E402

MiB = 1024 * 1024
SIZE = 256 * MiB
BUCKET = "faults"
KEY = "out/large.bin"


@pytest.fixture()
def store(tmp_path):
    weed = LoneSeaweedFS(tmp_path / "weed")
    weed.start()
    weed.client().create_bucket(Bucket=BUCKET)
    yield weed
    weed.stop()


@pytest.fixture()
def setup(store, isolated_env, tmp_path):
    """A remote `flaky` on the lone SeaweedFS, a Jupyter root with one large file."""
    aws = Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).parent
    aws.mkdir(parents=True, exist_ok=True)
    (aws / "credentials").write_text(
        f"[flaky]\naws_access_key_id = {store.access_key}\naws_secret_access_key = {store.secret_key}\n"
    )
    (aws / "config").write_text(f"[profile flaky]\nregion = us-east-1\nendpoint_url = {store.endpoint}\n")
    root = tmp_path / "root"
    root.mkdir()
    data = os.urandom(SIZE)
    (root / "large.bin").write_bytes(data)
    env = {**isolated_env, "JUPYTER_BUCKETS_ROOT": str(root), "XDG_STATE_HOME": str(tmp_path / "state")}
    return env, hashlib.sha256(data).hexdigest()


def start_upload(side: Sidecar) -> str:
    answer = side.request("POST", "/api/v1/transfers", {"op": "copy", "src": "large.bin", "dst": "flaky:faults/out/"})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def wait_for(side: Sidecar, job_id: str, done, timeout: float = 120):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        job = side.request("GET", f"/api/v1/transfers/{job_id}").json()
        if done(job):
            return job
        assert time.monotonic() < deadline, f"job did not get there in {timeout} s: {job}"
        time.sleep(0.02)


def ended(job) -> bool:  # type: ignore[no-untyped-def]
    return job["state"] not in ("queued", "running")


def open_uploads(store: LoneSeaweedFS) -> list:
    return store.client().list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])


def assert_no_object(store: LoneSeaweedFS) -> None:
    listed = store.client().list_objects_v2(Bucket=BUCKET, Prefix="out/")
    assert listed.get("KeyCount", 0) == 0, f"a partial object is visible: {listed.get('Contents')}"


def assert_arrived(store: LoneSeaweedFS, digest: str) -> None:
    body = store.client().get_object(Bucket=BUCKET, Key=KEY)["Body"]
    sha = hashlib.sha256()
    for chunk in iter(lambda: body.read(MiB), b""):
        sha.update(chunk)
    assert sha.hexdigest() == digest, "the object has other bytes than the file"
    assert open_uploads(store) == [], "no multipart upload is left open"


def test_store_killed_mid_upload_fails_the_file_then_retry_continues_from_stored_parts(setup, store, tmp_path):
    env, digest = setup
    side = start_sidecar(env, tmp_path / "sidecar.log")
    try:
        job_id = start_upload(side)
        wait_for(side, job_id, lambda job: job["progress"]["bytes"] >= 32 * MiB or ended(job))
        store.kill()
        failed = wait_for(side, job_id, ended)
        assert failed["state"] == "failed", failed
        assert [e["path"] for e in failed["errors"]] == ["large.bin"]
        assert failed["errors"][0]["code"] == "endpoint_unreachable", failed["errors"]

        store.start()
        assert_no_object(store)
        assert len(open_uploads(store)) == 1, "the unfinished upload is kept for a retry"

        answer = side.request("POST", f"/api/v1/transfers/{job_id}/retry")
        assert answer.status_code == 200, answer.text
        done = wait_for(side, job_id, ended)
        assert done["state"] == "done", done
        assert done["progress"]["bytes"] == SIZE
        resent = done["progress"]["streamedBytes"] - failed["progress"]["streamedBytes"]
        assert resent <= SIZE - 32 * MiB, f"stored parts were sent again ({resent} bytes)"
        assert_arrived(store, digest)
    finally:
        side.stop()


def test_sidecar_stopped_mid_upload_resumes_at_next_start_from_stored_parts(setup, store, tmp_path):
    env, digest = setup
    side = start_sidecar(env, tmp_path / "sidecar.log")
    job_id = start_upload(side)
    wait_for(side, job_id, lambda job: job["progress"]["bytes"] >= 32 * MiB or ended(job))
    assert side.stop() == 0, "SIGTERM is a clean stop"
    assert_no_object(store)
    assert len(open_uploads(store)) == 1, "the upload is kept for the next start"

    again = start_sidecar(env, tmp_path / "sidecar.log")
    try:
        done = wait_for(again, job_id, ended)
        assert done["state"] == "done", done
        assert done["progress"]["bytes"] == SIZE
        assert done["progress"]["streamedBytes"] <= SIZE - 32 * MiB, "stored parts were sent again"
        assert_arrived(store, digest)
    finally:
        again.stop()
