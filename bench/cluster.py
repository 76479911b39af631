"""Copies beyond one machine (issue 14): 2 GiB in 64 files, S3 -> GCS, by
jupyter-buckets alone (the sidecar's engine, here the CLI), by jupyter-buckets
on a 2-worker Dask LocalCluster (--via dask), by rclone at its defaults, and
by s3fs + gcsfs in one Python process (the other way a worker could copy a
shard: bench/fsspec_copy.py), in turn, in one run, against the same servers.

On this machine the cluster's workers share its 2 cores with the stores and
the client, so the figure says what a hand-off costs and how the shards
spread, not what a cluster of many machines gives. Per tool: wall seconds,
MiB/s, time / our time alone, CPU seconds of the measured process (for the
Dask run, the workers' CPU is measured on each worker, resource.getrusage of
the worker and the engines it ran, and added to it) and peak RSS (for the
Dask run, of the largest shard engine too). The first run of each is checked
(rclone check: MD5 on both sides, every file).

Run inside the servers harness (`make bench` does):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/cluster.py
Env: JB_BENCH_SCALE (default 1; 0.05 for a smoke run), JB_BENCH_CLUSTER_REPEATS
(default 1: fake-gcs-server is slow and slows as a bucket fills), JB_BENCH_TMP.
Adds a "cluster" section to bench/results/latest.json.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from measure import Figures, ToolFailed, measured, save_section, summary, table
from scenarios import GiB, MiB, random_file
from tools import OURS, ROOT, Job, Loc, check, gcs_bucket, ours, rclone, rclone_cmd, reset, s5cmd, tool_env

RESULTS = ROOT / "bench" / "results" / "latest.json"
SCALE = float(os.environ.get("JB_BENCH_SCALE", "1"))
REPEATS = int(os.environ.get("JB_BENCH_CLUSTER_REPEATS", "1"))
SRC_BUCKET = "jb-bench-cluster"
DST_BUCKET = "jb-bench-cluster-gcs"
ON_DASK = "on Dask cluster"


def usage_here() -> tuple[float, int]:
    """On a worker: CPU seconds of the worker and the engines it ran, and the engines' peak RSS (KiB)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime, children.ru_maxrss


def cluster_usage(client) -> tuple[float, int]:
    found = client.run(usage_here).values()
    return sum(cpu for cpu, _ in found), max((rss for _, rss in found), default=0)


def main() -> int:
    from distributed import Client, LocalCluster

    each = max(64 * 1024, int(2 * GiB * SCALE / 64) // 4096 * 4096)
    total = 64 * each
    work = Path(tempfile.mkdtemp(prefix="jb-bench-cluster-", dir=os.environ.get("JB_BENCH_TMP")))
    home = work / "home"
    home.mkdir()
    env = tool_env(str(home))
    logs = work / "logs"
    logs.mkdir()
    src = Loc("s3", SRC_BUCKET, "g64/")
    dst = Loc("gcs", DST_BUCKET, "g64/")
    try:
        for i in range(64):
            random_file(work / "g64" / f"p-{i:02d}.bin", each)
        reset(Loc("s3", SRC_BUCKET, ""), env)  # made, or emptied if a run left it
        s5cmd(env, "cp", f"{work / 'g64'}/*", f"s3://{SRC_BUCKET}/g64/")
        shutil.rmtree(work / "g64")
        gcs_bucket(DST_BUCKET, make=True)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          scheduler_kwargs={"dashboard": False}) as cluster, Client(cluster) as client:
            job = Job("copy", src, dst)
            commands = {
                OURS: ours(job),
                ON_DASK: [*ours(job), "--via", f"dask={cluster.scheduler_address}"],
                "rclone": rclone_cmd(tuned=False)(job),
                # What a worker would run on the Python path instead of the engine.
                "s3fs + gcsfs": [sys.executable, str(ROOT / "bench" / "fsspec_copy.py"),
                                 f"s3://{SRC_BUCKET}/g64/", f"gs://{DST_BUCKET}/g64/"],
            }
            figures = {tool: Figures() for tool in commands}
            worker_cpu: list[float] = []
            engine_rss = 0
            errors: dict[str, str] = {}
            for rep in range(REPEATS):
                for tool, command in commands.items():
                    reset(dst, env)
                    before, _ = cluster_usage(client)
                    try:
                        run = measured(command, env, logs / f"{tool.replace(' ', '-')}.log")
                        if rep == 0:
                            check(f"demo-s3:{SRC_BUCKET}/g64", dst, env, download=False)
                    except (ToolFailed, RuntimeError) as error:
                        errors[tool] = str(error)[-1500:]
                        print(f"  {tool} failed: {str(error)[-400:]}", file=sys.stderr, flush=True)
                        continue
                    after, rss = cluster_usage(client)
                    if tool == ON_DASK:
                        worker_cpu.append(after - before)
                        engine_rss = max(engine_rss, rss)
                        run.cpu_s += after - before
                    figures[tool].runs.append(run)
            reset(dst, env)
        title = f"2 GiB in 64 files, S3 -> GCS: alone, on a 2-worker Dask LocalCluster, rclone ({total / MiB:.0f} MiB)"
        rows = summary({t: f for t, f in figures.items() if f.runs}, total, OURS, "")
        print(table(title, rows), flush=True)
        if worker_cpu:
            print(f"  on Dask: the workers' CPU {sum(worker_cpu) / len(worker_cpu):.2f} s of the CPU s above; "
                  f"largest shard engine peak RSS {engine_rss / 1024:.0f} MiB", flush=True)
        save_section(RESULTS, "cluster", {
            "title": title, "bytes": total, "files": 64, "workers": 2, "verified_first_run": True,
            "tools": rows, "errors": errors,
            "worker_cpu_s": [round(cpu, 3) for cpu in worker_cpu],
            "engine_peak_rss_mib": round(engine_rss / 1024, 1),
        })
        return 1 if errors else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        try:
            rclone(env, "purge", f"demo-s3:{SRC_BUCKET}")
        except RuntimeError:
            pass
        try:
            gcs_bucket(DST_BUCKET, make=False)
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
