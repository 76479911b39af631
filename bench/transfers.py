"""Transfer benchmark (issue 5): the six scenarios of bench/scenarios.py, each
run by jupyter-buckets' CLI (the engine the sidecar runs), rclone at its
defaults and tuned, and s5cmd where it applies (S3 only), alternately,
JB_BENCH_REPEATS times each (default 3), destinations emptied between runs
(not for the re-sync). Measures wall seconds (median), throughput, each
peer's time divided by ours and by the ceiling's, CPU seconds (user + sys,
median) and CPU seconds per GiB moved, and the peak RSS of every tool's
process, both from wait4 (the node process itself for us, not the Python
launcher); checks byte for byte (rclone check --download) what each tool
wrote on its first run. Where s5cmd applies, "s5cmd max" (s5cmd at high
concurrency) runs too: a ceiling, what SeaweedFS can serve on this machine,
to say how far every tool is from the store's limit; not a peer to beat.

Run inside the servers harness (`make bench` does, after bench/run.py):
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/transfers.py
Env: JB_BENCH_SCALE (default 1; 0.05 for a smoke run), JB_BENCH_REPEATS,
JB_BENCH_HUGE=1 (adds the > 5 GiB server-side copy), JB_BENCH_VERIFY=0.
Prints a table and adds a "transfers" section to bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from measure import Figures, Run, ToolFailed, measured, overview, summary, table
from scenarios import (DST_BUCKET, GCS_BUCKET, HUGE_SIZE, SRC_BUCKET, SYNC_BUCKET, Scenario, Sizes,
                       huge_scenario, make_data, scenarios)
from tools import CEILING, OURS, ROOT, TOOLS, check, env_for, gcs_bucket, need, rclone, reset, tool_env

RESULTS = ROOT / "bench" / "results" / "latest.json"
SCALE = float(os.environ.get("JB_BENCH_SCALE", "1"))
REPEATS = int(os.environ.get("JB_BENCH_REPEATS", "3"))
HUGE = os.environ.get("JB_BENCH_HUGE") == "1"
VERIFY = os.environ.get("JB_BENCH_VERIFY", "1") != "0"


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


def run_scenario(scenario: Scenario, env: dict[str, str], logs: Path) -> dict:
    """Every tool in turn (who goes first rotates), repeated; the first run of each is checked."""
    commands = applicable(scenario)
    figures = {tool: Figures() for tool in commands}
    errors: dict[str, str] = {}
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
    moved = scenario.data_bytes if scenario.moves_data else 0
    rows = summary({t: f for t, f in figures.items() if f.runs}, moved, OURS, CEILING)
    print(table(scenario.title, rows), flush=True)
    return {"title": scenario.title, "bytes": scenario.data_bytes, "files": scenario.files,
            "verified_first_run": VERIFY, "tools": rows, "errors": errors, "commands": commands}


def disk_allows_huge(work: Path) -> bool:
    free = shutil.disk_usage(work).free
    if free < 3 * HUGE_SIZE + 4 * 2**30:
        print(f"JB_BENCH_HUGE: skipped, {free / 2**30:.0f} GiB free (needs {3 * HUGE_SIZE / 2**30 + 4:.0f})")
        return False
    return True


def save(section: dict) -> None:
    results = {}
    if RESULTS.exists():
        try:
            results = json.loads(RESULTS.read_text())
        except ValueError:
            results = {}
    results["transfers"] = section
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)} (transfers)")


def cleanup(work: Path, env: dict[str, str]) -> None:
    for bucket in (SRC_BUCKET, DST_BUCKET, SYNC_BUCKET):
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
                                "time_vs_ceiling = tool's median seconds / its (1 = at the store's limit)",
                     "cpu": "cpu_s = median user + sys seconds of the tool's process (wait4); "
                            "cpu_s_per_gib = cpu_s / GiB moved (null when nothing moves)",
                     "scenarios": {}}
    try:
        started = time.monotonic()
        make_data(work, sizes, env)
        gcs_bucket(GCS_BUCKET, make=True)
        rclone(env, "mkdir", f"demo-s3:{SYNC_BUCKET}")
        print(f"data ready in {time.monotonic() - started:.0f} s (scale {SCALE}, {REPEATS} runs per tool)\n",
              flush=True)
        todo = scenarios(work, sizes)
        if HUGE and disk_allows_huge(work):
            todo.append(huge_scenario(work, env))
        for scenario in todo:
            section["scenarios"][scenario.key] = run_scenario(scenario, env, work / "logs")
            print(flush=True)
        section["loadavg_end"] = os.getloadavg()
        print(overview(section["scenarios"], OURS, "rclone"))
        save(section)
        failed = [k for k, s in section["scenarios"].items() if OURS in s["errors"]]
        return 1 if failed else 0
    finally:
        cleanup(work, env)


if __name__ == "__main__":
    sys.exit(main())
