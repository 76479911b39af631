"""The tools a transfer benchmark compares (jupyter-buckets' CLI, rclone at its
defaults and tuned, s5cmd) and the ceiling it measures them against ("s5cmd
max": s5cmd at high concurrency, what SeaweedFS can serve here), and the
helpers that seed their sources and prepare and check their destinations
(buckets, local folders), all on the servers harness' loopback endpoints and
demo remotes (demo-s3, demo-gcs from RCLONE_CONFIG / AWS files).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# JB_BENCH_BUNDLE: another build of the CLI to measure (a saved copy of an
# earlier one, for before/after figures).
BUNDLE = Path(os.environ.get("JB_BENCH_BUNDLE") or ROOT / "jupyter_buckets" / "sidecar" / "jupyter-buckets.cjs")
# JB_BENCH_BASELINE: another build's jupyter-buckets.cjs (its sidecar.cjs
# beside it) measured in the same run as "jupyter-buckets baseline": before
# and after a change, taking turns on the same servers.
BASELINE = os.environ.get("JB_BENCH_BASELINE")
BASELINE_TOOL = "jupyter-buckets baseline"
# JB_BENCH_TOOLS: only these tools, by their names in the tables, comma
# separated (e.g. "jupyter-buckets,jupyter-buckets baseline" to study a change).
ONLY = [tool.strip() for tool in os.environ.get("JB_BENCH_TOOLS", "").split(",") if tool.strip()]
TUNED = ["--transfers", "32", "--checkers", "32", "--s3-upload-concurrency", "16", "--s3-chunk-size", "16M"]
OURS = "jupyter-buckets"
CEILING = "s5cmd max"
# s5cmd's own default is 256 workers (objects at once); each object then gets
# 16 parts of 16 MiB in flight instead of 5 of 50 MiB.
CEILING_FLAGS = (["--numworkers", "256"], ["--concurrency", "16", "--part-size", "16"])


def need(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run through the servers harness, "
                 "`make bench`.")
    return value


def ours_command(bundle: Path = BUNDLE) -> list[str]:
    """What `jupyter-buckets` runs (the real node, its flags, the bundle): the
    .venv/bin launchers are Python wrappers whose RSS is not ours."""
    from jupyter_buckets.node import NODE_FLAGS, find_node

    return [find_node(), *NODE_FLAGS, str(bundle)]


@dataclass(frozen=True)
class Loc:
    """A place data lives: kind 'local' (path), 's3' or 'gcs' (bucket, key or prefix)."""

    kind: str
    bucket: str = ""
    path: str = ""

    def remote(self) -> str:
        """rclone's and our spelling: a local path or demo-s3:bucket/path."""
        if self.kind == "local":
            return self.path
        return f"demo-{self.kind}:{self.bucket}/{self.path}"

    def s3url(self) -> str:
        return f"s3://{self.bucket}/{self.path}"


@dataclass(frozen=True)
class Job:
    """One transfer: op 'copy' or 'sync'; src is a file or a folder (ending '/'), dst a folder (ending '/')."""

    op: str
    src: Loc
    dst: Loc


Builder = Callable[[Job], "list[str] | None"]


def ours_with(bundle: Path) -> Builder:
    def build(job: Job) -> list[str]:
        verb = "cp" if job.op == "copy" else "sync"
        return [*ours_command(bundle), verb, job.src.remote(), job.dst.remote(), "--json"]

    return build


ours = ours_with(BUNDLE)


def rclone_cmd(tuned: bool) -> Builder:
    def build(job: Job) -> list[str]:
        src, dst = job.src.remote().rstrip("/"), job.dst.remote().rstrip("/")
        return [str(BIN / "rclone"), job.op, src, dst, *(TUNED if tuned else [])]

    return build


def s5cmd_cmd(flags: tuple[list[str], list[str]] = ([], [])) -> Builder:
    """s5cmd with (global flags, flags of cp / sync); None where GCS is a side."""
    def build(job: Job) -> list[str] | None:
        if "gcs" in (job.src.kind, job.dst.kind):
            return None  # S3 only
        src = job.src.s3url() if job.src.kind == "s3" else job.src.path
        dst = job.dst.s3url() if job.dst.kind == "s3" else job.dst.path
        if job.op == "copy" and src.endswith("/"):
            src += "*"
        return [str(BIN / "s5cmd"), "--endpoint-url", need("JB_TEST_S3_ENDPOINT"), *flags[0],
                job.op.replace("copy", "cp"), *flags[1], src, dst]

    return build


TOOLS: dict[str, Builder] = {
    OURS: ours,
    "rclone": rclone_cmd(tuned=False),
    "rclone tuned": rclone_cmd(tuned=True),
    "s5cmd": s5cmd_cmd(),
    CEILING: s5cmd_cmd(CEILING_FLAGS),
}
if BASELINE:
    TOOLS[BASELINE_TOOL] = ours_with(Path(BASELINE))
if ONLY:
    TOOLS = {tool: build for tool, build in TOOLS.items() if tool in ONLY}


def tool_env(home: str) -> dict[str, str]:
    """The harness' env (remotes from RCLONE_CONFIG and the AWS files) with a HOME of our own."""
    env = dict(os.environ)
    env["HOME"] = home
    # What the Python launcher tells the engine (the bench runs the bundle with node itself).
    env["JUPYTER_BUCKETS_PYTHON"] = sys.executable
    env.pop("AWS_PROFILE", None)
    return env


def env_for(tool: str, env: dict[str, str]) -> dict[str, str]:
    """s5cmd reads no profile here: it gets the keys as AWS_* variables, it alone."""
    if not tool.startswith("s5cmd"):
        return env
    return {**env, "AWS_ACCESS_KEY_ID": need("JB_TEST_S3_ACCESS_KEY"),
            "AWS_SECRET_ACCESS_KEY": need("JB_TEST_S3_SECRET_KEY"), "AWS_REGION": "us-east-1"}


def quiet(command: list[str], env: dict[str, str]) -> str:
    out = subprocess.run(command, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {out.stderr[-2000:]}")
    return out.stdout


def rclone(env: dict[str, str], *args: str) -> str:
    return quiet([str(BIN / "rclone"), *args], env)


def s5cmd(env: dict[str, str], *args: str) -> str:
    return quiet([str(BIN / "s5cmd"), "--endpoint-url", need("JB_TEST_S3_ENDPOINT"), *args], env_for("s5cmd", env))


def gcs_bucket(name: str, make: bool) -> None:
    """Create (make) or delete an empty bucket on fake-gcs-server; one that is already so is fine."""
    base = f"{need('JB_TEST_GCS_ENDPOINT')}/storage/v1/b"
    request = (urllib.request.Request(f"{base}?project=bench", method="POST", data=json.dumps({"name": name}).encode(),
                                      headers={"Content-Type": "application/json"})
               if make else urllib.request.Request(f"{base}/{name}", method="DELETE"))
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except urllib.error.HTTPError as error:
        if error.code not in ((409,) if make else (404,)):
            raise


def gcs_upload(bucket: str, name: str, path: Path) -> None:
    """One file to fake-gcs-server in a single request, streamed. Its resumable
    uploads (rclone's way) append chunk by chunk: quadratic, 55 s for 512 MiB."""
    url = (f"{need('JB_TEST_GCS_ENDPOINT')}/upload/storage/v1/b/{bucket}/o?"
           + urllib.parse.urlencode({"uploadType": "media", "name": name}))
    with open(path, "rb") as body:
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/octet-stream", "Content-Length": str(path.stat().st_size)})
        with urllib.request.urlopen(request, timeout=1800):
            pass


def reset(loc: Loc, env: dict[str, str]) -> None:
    """An empty destination. An S3 bucket is deleted and made again: SeaweedFS then frees its volumes."""
    if loc.kind == "local":
        shutil.rmtree(loc.path, ignore_errors=True)
        Path(loc.path).mkdir(parents=True)
    elif loc.kind == "s3":
        if f"{loc.bucket}/" in rclone(env, "lsf", "--dirs-only", "demo-s3:").split():
            rclone(env, "purge", f"demo-s3:{loc.bucket}")
        rclone(env, "mkdir", f"demo-s3:{loc.bucket}")
    else:
        rclone(env, "delete", f"demo-gcs:{loc.bucket}")


def check(src_folder: str, dst: Loc, env: dict[str, str], download: bool = True) -> None:
    """Byte-for-byte: rclone reads both sides; extra or missing files fail too.
    download=False compares the MD5s both stores state instead (every file)."""
    rclone(env, "check", *(["--download"] if download else []), "--checkers", "16", src_folder,
           dst.remote().rstrip("/"))
