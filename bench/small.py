"""Small-file benchmark (issue 10): scenarios 2, 9 and 10 of bench/scenarios.py
at a size that runs in minutes, for working on the engine's per-file cost.
Every tool in turn (who goes first rotates), JB_SMALL_REPEATS times; per tool
the median wall seconds, the median CPU seconds (user + sys, from wait4) and
CPU seconds per 1,000 files. On a shared machine compare CPU seconds and
medians, not one wall time.

With JB_SMALL_PROFILE=<folder>, our CLI runs once more per scenario under
`node --cpu-prof` (untimed) and the profile's top self times are printed:
by function, with the share of the garbage collector and of idle time.

Run inside the servers harness:
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/small.py
Env: JB_SMALL_SCENARIOS (default "2,9,10"), JB_SMALL_COUNT (the Zarr-like
folder's files, default 4000; scenario 2 takes a quarter as many 64 KiB
files), JB_SMALL_REPEATS (default 3), JB_SMALL_TOOLS (default "jupyter-buckets,
rclone,s5cmd"), JB_SMALL_PROFILE, JB_SMALL_BASELINE (another build's
jupyter-buckets.cjs, run as the tool "before", in turn with the others: a
before/after comparison under the same load), JB_SMALL_FLAGS (added to our
command, e.g. "--transfers 32"), JB_BENCH_TMP.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from measure import Figures, ToolFailed, measured
from scenarios import DST_BUCKET, GCS_BUCKET, SMALL_SIZE, SRC_BUCKET, ZARR_CHUNK, random_file, zarr_name
from tools import OURS, TOOLS, Job, Loc, env_for, gcs_bucket, need, ours_command, rclone, reset, s5cmd, tool_env

COUNT = int(os.environ.get("JB_SMALL_COUNT", "4000"))
REPEATS = int(os.environ.get("JB_SMALL_REPEATS", "3"))
WANTED = os.environ.get("JB_SMALL_SCENARIOS", "2,9,10").split(",")
TOOL_NAMES = os.environ.get("JB_SMALL_TOOLS", f"{OURS},rclone,s5cmd").split(",")
PROFILE = os.environ.get("JB_SMALL_PROFILE")
BASELINE = os.environ.get("JB_SMALL_BASELINE")
FLAGS = os.environ.get("JB_SMALL_FLAGS", "").split()


def make_data(work: Path, env: dict[str, str]) -> None:
    for i in range(COUNT // 4):
        random_file(work / "small" / f"f-{i:05d}.bin", SMALL_SIZE)
    for i in range(COUNT):
        random_file(work / "zarr" / zarr_name(i), ZARR_CHUNK)
    s5cmd(env, "mb", f"s3://{SRC_BUCKET}")
    s5cmd(env, "cp", f"{work / 'zarr'}/*", f"s3://{SRC_BUCKET}/zarr/")
    gcs_bucket(GCS_BUCKET, make=True)


def jobs(work: Path) -> dict[str, tuple[Job, int]]:
    """The scenarios by key: the job and its number of files."""
    zarr = Loc("local", path=f"{work / 'zarr'}/")
    return {
        "2": (Job("sync", Loc("local", path=f"{work / 'small'}/"), Loc("s3", DST_BUCKET, "small/")), COUNT // 4),
        "9": (Job("copy", zarr, Loc("s3", DST_BUCKET, "zarr/")), COUNT),
        "10": (Job("copy", Loc("s3", SRC_BUCKET, "zarr/"), Loc("gcs", GCS_BUCKET, "zarr/")), COUNT),
    }


def bundle_modules(bundle: Path) -> tuple[list[int], list[str]]:
    """Where each bundled module starts in the bundle (esbuild's '// path' lines)."""
    starts, names = [], []
    with open(bundle, encoding="utf-8", errors="replace") as text:
        for number, line in enumerate(text):
            if line.startswith("// ") and line.rstrip().endswith(".js"):
                starts.append(number)
                names.append(line[3:].strip())
    return starts, names


def area(frame: dict, modules: tuple[list[int], list[str]]) -> str:
    """Who a frame's time belongs to: a package, our own code (lib/...), Node, or native code."""
    url = frame["url"]
    if not url:
        return frame["functionName"] or "(native)"
    if url.startswith("node:"):
        return "node"
    if url.endswith("sidecar.cjs"):
        starts, names = modules
        i = bisect.bisect_right(starts, frame["lineNumber"]) - 1
        name = names[i] if i >= 0 else "bundle runtime"
        if "node_modules/" in name:
            parts = name.split("node_modules/")[-1].split("/")
            return parts[0] + "/" + parts[1] if parts[0].startswith("@") else parts[0]
        return "ours: " + name.removeprefix("../")
    return url.rsplit("/", 1)[-1]


def top_self_times(profile: Path, shown: int = 20) -> str:
    """Self time by function (name and file) and by area (package, our file,
    Node, native) from a .cpuprofile, largest first. The profiler samples wall
    time of the main thread: on a busy machine a thread waiting for a core
    counts against what it was doing (syscalls most)."""
    data = json.loads(profile.read_text())
    nodes = {node["id"]: node for node in data["nodes"]}
    modules = bundle_modules(Path(ours_command()[-1]).with_name("sidecar.cjs"))
    by_node: dict[int, float] = defaultdict(float)
    for sample, delta in zip(data["samples"], data["timeDeltas"]):
        by_node[sample] += delta / 1e6
    by_function: dict[str, float] = defaultdict(float)
    by_area: dict[str, float] = defaultdict(float)
    for node_id, seconds in by_node.items():
        frame = nodes[node_id]["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1]
        name = frame["functionName"] or "(anonymous)"
        by_function[f"{name} {where}:{frame['lineNumber'] + 1}" if where else name] += seconds
        by_area[area(frame, modules)] += seconds
    total = sum(by_function.values())
    idle = by_function.get("(idle)", 0.0)
    busy = total - idle
    lines = [f"  profile {profile.name}: {total:.2f} s sampled, {busy:.2f} s busy, "
             f"GC {by_function.get('(garbage collector)', 0.0) / max(busy, 1e-9):.0%} of busy"]
    for title, table in (("by function", by_function), ("by area", by_area)):
        lines.append(f"  {title}:")
        for name, seconds in sorted(table.items(), key=lambda item: -item[1])[:shown]:
            if name != "(idle)":
                lines.append(f"  {seconds:7.3f} s {seconds / max(busy, 1e-9):6.1%}  {name}")
    return "\n".join(lines)


def profiled(command: list[str], folder: Path) -> list[str]:
    """Our command with --cpu-prof into `folder` (node is its first word)."""
    return [command[0], "--cpu-prof", f"--cpu-prof-dir={folder}", *command[1:]]


def main() -> int:
    need("RCLONE_CONFIG")
    work = Path(tempfile.mkdtemp(prefix="jb-bench-small-", dir=os.environ.get("JB_BENCH_TMP")))
    logs = work / "logs"
    logs.mkdir()
    (work / "home").mkdir()
    env = tool_env(str(work / "home"))
    try:
        make_data(work, env)
        print(f"{COUNT} files of 16 KiB, {COUNT // 4} of 64 KiB; {REPEATS} runs per tool; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
        for key, (job, files) in jobs(work).items():
            if key not in WANTED:
                continue
            commands = {tool: TOOLS[tool](job) for tool in TOOL_NAMES}
            commands = {tool: command for tool, command in commands.items() if command}
            if OURS in commands:
                commands[OURS] += FLAGS
                if BASELINE:
                    ours = commands[OURS]
                    bundle = ours.index(str(ours_command()[-1]))
                    commands["before"] = [*ours[:bundle], BASELINE, *ours[bundle + 1:]]
            figures = {tool: Figures() for tool in commands}
            tools = list(commands)
            for rep in range(REPEATS):
                for tool in tools[rep % len(tools):] + tools[:rep % len(tools)]:
                    reset(job.dst, env)
                    try:
                        figures[tool].runs.append(
                            measured(commands[tool], env_for(tool, env), logs / f"{key}-{tool}.log"))
                    except ToolFailed as error:
                        print(f"  {tool} failed: {str(error)[-600:]}", file=sys.stderr)
            print(f"\nscenario {key}: {job.op} {job.src.remote()} -> {job.dst.remote()}, {files} files")
            base = statistics.median(r.seconds for r in figures[OURS].runs) if figures.get(OURS, Figures()).runs else 0
            for tool, fig in figures.items():
                if not fig.runs:
                    continue
                wall, cpu = fig.median(), fig.cpu_median()
                vs = f"{wall / base:5.2f}" if base else "  -  "
                print(f"  {tool:16} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {1000 * cpu / files:5.2f} cpu-s/1000 files  "
                      f"time/ours {vs}  runs {', '.join(f'{r.seconds:.2f}' for r in fig.runs)}", flush=True)
            if PROFILE and OURS in commands:
                folder = Path(PROFILE) / f"scenario-{key}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                reset(job.dst, env)
                measured(profiled(commands[OURS], folder), env, logs / f"{key}-profile.log")
                for profile in folder.glob("*.cpuprofile"):
                    print(top_self_times(profile), flush=True)
    finally:
        for bucket in (SRC_BUCKET, DST_BUCKET):
            try:
                rclone(env, "purge", f"demo-s3:{bucket}")
            except RuntimeError:
                pass
        try:
            rclone(env, "delete", f"demo-gcs:{GCS_BUCKET}")
            gcs_bucket(GCS_BUCKET, make=False)
        except (RuntimeError, OSError):
            pass
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
