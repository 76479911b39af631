"""Delete benchmark (issue 12): a Zarr-like folder (chunk keys 'row.column',
JB_BENCH_DELETE_COUNT objects of 1 KiB, default 20,000 x JB_BENCH_SCALE) is
deleted from S3 by jupyter-buckets' CLI (`rm -r`: the delete job the Buckets
panel and Python's rm run too), rclone purge at its defaults and tuned, and
s5cmd rm, with "s5cmd max" (256 workers) as the ceiling; then a smaller folder
(a tenth) from GCS by ours and rclone (fake-gcs-server slows down with many
objects). The folder is seeded again before every run, untimed; after each
run the folder must be empty. Tools alternate, JB_BENCH_REPEATS times each.

Per tool: median seconds, objects per second, peer time / ours, CPU seconds and
peak RSS of the tool's process (wait4). Run inside the servers harness (`make
bench` does):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/deletes.py
Adds a "deletes" section to bench/results/latest.json.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from measure import Figures, ToolFailed, measured, save_section, summary, table
from scenarios import zarr_name
from tools import BIN, CEILING, CEILING_FLAGS, OURS, ROOT, env_for, need, ours_command, rclone, s5cmd, tool_env

RESULTS = ROOT / "bench" / "results" / "latest.json"
SCALE = float(os.environ.get("JB_BENCH_SCALE", "1"))
REPEATS = int(os.environ.get("JB_BENCH_REPEATS", "3"))
COUNT = int(os.environ.get("JB_BENCH_DELETE_COUNT") or max(100, round(20_000 * SCALE)))
BUCKET = "jb-bench-delete"
GCS_BUCKET = "leap-scratch"  # the harness' GCS bucket; the folder is our own
FOLDER = "run.zarr/t2m"
CHUNK = 1024


def commands(kind: str) -> dict[str, list[str]]:
    """Each tool's command deleting the folder (all of it, the folder itself too)."""
    remote = f"demo-{kind}:{BUCKET if kind == 's3' else GCS_BUCKET}/{FOLDER}"
    tools = {
        OURS: [*ours_command(), "rm", "-r", "--yes", "--json", f"{remote}/"],
        "rclone": [str(BIN / "rclone"), "purge", remote],
        "rclone tuned": [str(BIN / "rclone"), "purge", "--checkers", "32", "--transfers", "32", remote],
    }
    if kind == "s3":
        s5 = [str(BIN / "s5cmd"), "--endpoint-url", need("JB_TEST_S3_ENDPOINT")]
        url = f"s3://{BUCKET}/{FOLDER}/*"
        tools["s5cmd"] = [*s5, "rm", url]
        tools[CEILING] = [*s5, *CEILING_FLAGS[0], "rm", url]
    return tools


def seed(kind: str, local: Path, env: dict[str, str]) -> None:
    if kind == "s3":
        s5cmd(env, "--numworkers", "64", "cp", f"{local}/*", f"s3://{BUCKET}/{FOLDER}/")
    else:
        rclone(env, "copy", "--transfers", "16", str(local), f"demo-gcs:{GCS_BUCKET}/{FOLDER}")


def left(kind: str, env: dict[str, str]) -> int:
    remote = f"demo-{kind}:{BUCKET if kind == 's3' else GCS_BUCKET}/{FOLDER}"
    try:
        return len(rclone(env, "lsf", "-R", "--files-only", remote).split())
    except RuntimeError:
        return 0  # the folder is gone


def run_case(kind: str, count: int, work: Path, env: dict[str, str]) -> dict:
    local = work / f"chunks-{kind}"
    local.mkdir()
    payload = os.urandom(CHUNK)
    for i in range(count):
        (local / zarr_name(i)).write_bytes(payload)
    tools = commands(kind)
    figures = {tool: Figures() for tool in tools}
    errors: dict[str, str] = {}
    for _ in range(REPEATS):
        for tool, command in tools.items():
            if tool in errors:
                continue
            seed(kind, local, env)
            try:
                run = measured(command, env_for(tool, env), work / "logs" / f"{kind}-{tool}.log")
            except ToolFailed as error:
                errors[tool] = str(error)[-500:]
                continue
            remaining = left(kind, env)
            if remaining:
                errors[tool] = f"{remaining} objects left after the delete"
                continue
            figures[tool].runs.append(run)
    rows = summary({t: f for t, f in figures.items() if f.runs}, 0, OURS, CEILING)
    for row in rows.values():
        row["objects_per_s"] = round(count / row["median_s"]) if row["median_s"] else None
    title = f"delete {count:,} objects of {CHUNK} B from {kind.upper()} ({REPEATS} runs each)"
    print(table(title, rows))
    print("  objects/s: " + ", ".join(f"{tool} {row['objects_per_s']}" for tool, row in rows.items()))
    for tool, error in errors.items():
        print(f"  {tool} failed: {error}")
    print(flush=True)
    return {"title": title, "objects": count, "tools": rows, "errors": errors,
            "commands": {tool: " ".join(command[-4:]) for tool, command in tools.items()}}


def main() -> int:
    need("RCLONE_CONFIG")
    work = Path(tempfile.mkdtemp(prefix="jb-bench-del-", dir=os.environ.get("JB_BENCH_TMP")))
    (work / "logs").mkdir()
    (work / "home").mkdir()
    env = tool_env(str(work / "home"))
    section: dict = {"scale": SCALE, "repeats": REPEATS, "cpus": os.cpu_count(),
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                     "ratio": "time_vs_ours = tool's median seconds / jupyter-buckets' (> 1: we are faster)"}
    try:
        s5cmd(env, "mb", f"s3://{BUCKET}")
        section["s3"] = run_case("s3", COUNT, work, env)
        section["gcs"] = run_case("gcs", max(50, COUNT // 10), work, env)
        save_section(RESULTS, "deletes", section)
        print(f"wrote {RESULTS.relative_to(ROOT)} (deletes)")
        return 1 if any(OURS in section[kind]["errors"] for kind in ("s3", "gcs")) else 0
    finally:
        for remote in (f"demo-s3:{BUCKET}", f"demo-gcs:{GCS_BUCKET}/{FOLDER}"):
            try:
                rclone(env, "purge", remote)
            except RuntimeError:
                pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
