"""Transfer benchmark (issues 5 and 10): the scenarios of bench/scenarios.py
(1-6: issue 5's; 7 GCS -> S3, 8 GCS -> local, 9 and 10 a Zarr-like folder of
20,000 files of 16 KiB, local -> S3 and S3 -> GCS), each run by
jupyter-buckets' CLI (the engine the sidecar runs), rclone at its defaults and
tuned, and s5cmd where it applies (only local and S3 sides), alternately,
JB_BENCH_REPEATS times each (default 3), destinations emptied between runs
(not for the re-sync). Where s5cmd applies, "s5cmd max" (s5cmd at high
concurrency) runs too: a ceiling, what SeaweedFS can serve on this machine,
to say how far every tool is from the store's limit; not a peer to beat.

Per tool it measures wall seconds (median), throughput, each peer's time
divided by ours and by the ceiling's, CPU seconds (user + sys, median) and
CPU seconds per GiB moved, and the peak RSS of the tool's process, both from
wait4 (the node process itself for us, not the Python launcher); checks byte
for byte (rclone check --download) what each tool wrote on its first run.
Before the transfers, bench/startup.py measures the CLI's start time.

Run inside the servers harness (`make bench` does, after bench/run.py):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/transfers.py
Env: JB_BENCH_SCALE (default 1; 0.05 for a smoke run), JB_BENCH_REPEATS,
JB_BENCH_HUGE=1 (adds the > 5 GiB server-side copy and a 20 GiB local -> S3
upload, never scaled, one run each, only if the disk has room),
JB_BENCH_VERIFY=0, JB_BENCH_SCENARIOS (e.g. "4,5": only those, to study
them; the default runs all), JB_BENCH_TOOLS and JB_BENCH_BASELINE (only
some tools; another build beside ours, see tools.py), JB_BENCH_START_RUNS
(default 10), JB_BENCH_TMP (where the local data goes). Prints tables and adds "cli_start" and "transfers" sections
to bench/results/latest.json.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from measure import Figures, Run, ToolFailed, measured, overview, save_section, summary, table
from scenarios import (DST_BUCKET, GCS_BUCKET, GCS_SRC_BUCKET, GiB, HUGE_SIZE, HUGE_UPLOAD_SIZE, SRC_BUCKET,
                       SYNC_BUCKET, Scenario, Sizes, huge_copy_scenario, huge_upload_scenario, make_data, scenarios)
from startup import cli_start
from tools import CEILING, OURS, ROOT, TOOLS, check, env_for, gcs_bucket, need, rclone, reset, tool_env

RESULTS = ROOT / "bench" / "results" / "latest.json"
SCALE = float(os.environ.get("JB_BENCH_SCALE", "1"))
REPEATS = int(os.environ.get("JB_BENCH_REPEATS", "3"))
HUGE = os.environ.get("JB_BENCH_HUGE") == "1"
VERIFY = os.environ.get("JB_BENCH_VERIFY", "1") != "0"
WANTED = [key for key in os.environ.get("JB_BENCH_SCENARIOS", "").split(",") if key]


def applicable(scenario: Scenario) -> dict[str, list[str]]:
    commands = {tool: build(scenario.job_for(tool)) for tool, build in TOOLS.items()}
    return {tool: command for tool, command in commands.items() if command is not None}


def failure(errors: dict[str, str], tool: str, error: Exception) -> None:
    errors[tool] = str(error)[-1500:]
    print(f"  {tool} failed: {str(error)[-400:]}", file=sys.stderr, flush=True)


def make_own_copies(scenario: Scenario, commands: dict[str, list[str]], env: dict[str, str],
                    logs: Path, errors: dict[str, str]) -> None:
    """The re-sync: each tool first makes its own copy (scenario 2), untimed."""
    for tool, command in commands.items():
        try:
            measured(command, env_for(tool, env), logs / f"{scenario.key}-{tool}-setup.log")
        except ToolFailed as error:
            failure(errors, tool, error)


def one_run(scenario: Scenario, tool: str, command: list[str], env: dict[str, str], log: Path,
            verify: bool) -> Run:
    dst = scenario.job_for(tool).dst
    if scenario.fresh:
        reset(dst, env)
    run = measured(command, env_for(tool, env), log)
    if verify:
        check(scenario.check_src, dst, env)
    return run


def timed_runs(scenario: Scenario, commands: dict[str, list[str]], env: dict[str, str], logs: Path,
               errors: dict[str, str]) -> dict[str, Figures]:
    """Every tool in turn (who goes first rotates), repeated; the first run of each is checked."""
    figures = {tool: Figures() for tool in commands}
    if not scenario.fresh:
        make_own_copies(scenario, commands, env, logs, errors)
    tools = list(commands)
    for rep in range(scenario.repeats or REPEATS):
        for tool in tools[rep % len(tools):] + tools[:rep % len(tools)]:
            if tool in errors:
                continue
            try:
                log = logs / f"{scenario.key}-{tool}.log"
                figures[tool].runs.append(one_run(scenario, tool, commands[tool], env, log, VERIFY and rep == 0))
            except (ToolFailed, RuntimeError) as error:
                failure(errors, tool, error)
    return figures


def run_scenario(scenario: Scenario, env: dict[str, str], logs: Path) -> dict:
    """The scenario's untimed setup, its timed runs, its teardown; a failed setup is
    recorded as the scenario's error (every scenario keeps its entry)."""
    commands = applicable(scenario)
    errors: dict[str, str] = {}
    figures: dict[str, Figures] = {}
    try:
        if scenario.setup:
            scenario.setup()
        figures = timed_runs(scenario, commands, env, logs, errors)
    except (RuntimeError, OSError) as error:
        failure(errors, "setup", error)
    finally:
        if scenario.teardown:
            try:
                scenario.teardown()
            except (RuntimeError, OSError) as error:
                print(f"  teardown of {scenario.key} failed: {error}", file=sys.stderr, flush=True)
    moved = scenario.data_bytes if scenario.moves_data else 0
    rows = summary({t: f for t, f in figures.items() if f.runs}, moved, OURS, CEILING)
    print(table(scenario.title, rows), flush=True)
    return {"title": scenario.title, "bytes": scenario.data_bytes, "files": scenario.files,
            "verified_first_run": VERIFY, "tools": rows, "errors": errors, "commands": commands}


def free_bytes(work: Path) -> int:
    """Free space where the local data goes and where SeaweedFS keeps objects
    (the harness' folder, above JB_TEST_CONFIG_DIR): the smaller of the two."""
    store = Path(need("JB_TEST_CONFIG_DIR")).parent
    return min(shutil.disk_usage(work).free, shutil.disk_usage(store).free)


def huge_scenarios(work: Path, env: dict[str, str]) -> list[Scenario]:
    """JB_BENCH_HUGE's scenarios, each only if the disk has room for it and for
    those before it: the copy needs its file on disk, its source and its copy in
    SeaweedFS; the upload its 20 GiB file and the object; 4 GiB to spare each."""
    wanted = [(3 * HUGE_SIZE + 4 * GiB, lambda: huge_copy_scenario(work, env)),
              (2 * HUGE_UPLOAD_SIZE + 4 * GiB, lambda: huge_upload_scenario(work))]
    free, chosen = free_bytes(work), []
    for needs, make in wanted:
        scenario = make()
        if free < needs:
            print(f"JB_BENCH_HUGE: {scenario.key} skipped, {free / GiB:.0f} GiB free once the scenarios "
                  f"before it have theirs (needs {needs / GiB:.0f})")
            continue
        free -= needs
        chosen.append(scenario)
    return chosen


def rss_flat(results: dict[str, dict]) -> dict | None:
    """Our peak RSS on the 20 GiB upload beside scenario 1's (the same path, a smaller file)."""
    if "huge-up" not in results or "1" not in results:
        return None
    ours = [results[key]["tools"].get(OURS, {}).get("peak_rss_mib") for key in ("1", "huge-up")]
    if None in ours:
        return None
    note = {"scenario_1_mib": ours[0], "huge_upload_mib": ours[1], "growth": round(ours[1] / ours[0], 2)}
    print(f"peak RSS, ours: {ours[1]:.0f} MiB uploading {HUGE_UPLOAD_SIZE / GiB:.0f} GiB, "
          f"{ours[0]:.0f} MiB in scenario 1 (x{note['growth']:.2f})")
    return note


def cleanup(work: Path, env: dict[str, str]) -> None:
    for bucket in (SRC_BUCKET, DST_BUCKET, SYNC_BUCKET):
        try:
            rclone(env, "purge", f"demo-s3:{bucket}")
        except RuntimeError:
            pass
    for bucket in (GCS_BUCKET, GCS_SRC_BUCKET):
        try:
            rclone(env, "delete", f"demo-gcs:{bucket}")
            gcs_bucket(bucket, make=False)
        except (RuntimeError, OSError):
            pass
    shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    need("RCLONE_CONFIG")
    work = Path(tempfile.mkdtemp(prefix="jb-bench-tx-", dir=os.environ.get("JB_BENCH_TMP")))
    (work / "logs").mkdir()
    (work / "home").mkdir()
    env = tool_env(str(work / "home"))
    sizes = Sizes.from_scale(SCALE)
    section: dict = {"scale": SCALE, "repeats": REPEATS, "cpus": os.cpu_count(),
                     "loadavg_start": os.getloadavg(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                     "ratio": "time_vs_ours = tool's median seconds / jupyter-buckets' (> 1: we are faster)",
                     "ceiling": f"{CEILING}: s5cmd at high concurrency, what SeaweedFS serves here; "
                                "time_vs_ceiling = tool's median seconds / the ceiling's (1 = at the store's limit)",
                     "cpu": "cpu_s = median user + sys seconds of the tool's process (wait4); "
                            "cpu_s_per_gib = cpu_s / GiB moved (null when nothing moves)",
                     "scenarios": {}}
    try:
        save_section(RESULTS, "cli_start", cli_start(env, work))
        print(flush=True)
        started = time.monotonic()
        make_data(work, sizes, env)
        gcs_bucket(GCS_BUCKET, make=True)
        rclone(env, "mkdir", f"demo-s3:{SYNC_BUCKET}")
        print(f"data ready in {time.monotonic() - started:.0f} s (scale {SCALE}, {REPEATS} runs per tool)\n",
              flush=True)
        todo = scenarios(work, sizes, env)
        if HUGE:
            todo += huge_scenarios(work, env)
        if WANTED:
            todo = [scenario for scenario in todo if scenario.key in WANTED]
        for scenario in todo:
            section["scenarios"][scenario.key] = run_scenario(scenario, env, work / "logs")
            save_section(RESULTS, "transfers", section)  # a bench cut short keeps what it measured
            print(flush=True)
        section["loadavg_end"] = os.getloadavg()
        section["huge_upload_rss"] = rss_flat(section["scenarios"])
        print(overview(section["scenarios"], OURS, "rclone"))
        save_section(RESULTS, "transfers", section)
        print(f"\nwrote {RESULTS.relative_to(ROOT)} (cli_start, transfers)")
        failed = [k for k, s in section["scenarios"].items() if OURS in s["errors"] or "setup" in s["errors"]]
        return 1 if failed else 0
    finally:
        cleanup(work, env)


if __name__ == "__main__":
    sys.exit(main())
