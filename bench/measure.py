"""Measuring one command of a transfer benchmark: wall-clock seconds, the CPU
seconds (user + sys) and the peak resident memory (VmHWM) of that process
alone, both from wait4's rusage, plus the summary figures (median, MiB/s, CPU
seconds per GiB, ratio of each peer's time to ours and to the ceiling's), the
tables bench/transfers.py prints and the results file every bench script
adds its section to.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024
GiB = 1024 * MiB


class ToolFailed(RuntimeError):
    """A measured command exited with an error; the message holds its output's tail."""


@dataclass
class Run:
    seconds: float
    peak_rss_kib: int
    cpu_s: float  # user + sys of the process and the children it waited for


@dataclass
class Figures:
    """Every run of one tool in one scenario."""

    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def cpu_median(self) -> float:
        return statistics.median(run.cpu_s for run in self.runs)

    def peak_rss_mib(self) -> float:
        return max(run.peak_rss_kib for run in self.runs) / 1024


def measured(command: list[str], env: dict[str, str], log: Path) -> Run:
    """Run `command` to its end. wait4 on its pid gives the rusage of that
    very process (all its threads) and of the descendants it reaped, never of
    our other children: its peak RSS and its CPU time are the tool's own."""
    os.sync()  # dirty pages of the previous run are not this run's cost
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise ToolFailed(f"{' '.join(command)} exited with {proc.returncode}:\n{tail}")
    return Run(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)  # maxrss: KiB on Linux


def ratio(value: float, base: float) -> float | None:
    return round(value / base, 2) if base > 0 else None


def summary(figures: dict[str, Figures], data_bytes: int, ours: str, ceiling: str) -> dict[str, dict]:
    """Per tool: median seconds, MiB/s, CPU seconds (median, and per GiB moved),
    peer time / our time, time / the ceiling's time, peak RSS."""
    base = figures[ours].median() if ours in figures else 0.0
    top = figures[ceiling].median() if ceiling in figures else 0.0
    out = {}
    for tool, fig in figures.items():
        median, cpu = fig.median(), fig.cpu_median()
        out[tool] = {
            "median_s": round(median, 3),
            "all_s": [round(run.seconds, 3) for run in fig.runs],
            "mib_s": round(data_bytes / MiB / median, 1) if data_bytes else None,
            "time_vs_ours": ratio(median, base),
            "time_vs_ceiling": ratio(median, top),
            "cpu_s": round(cpu, 3),
            "all_cpu_s": [round(run.cpu_s, 3) for run in fig.runs],
            "cpu_s_per_gib": round(cpu / (data_bytes / GiB), 2) if data_bytes else None,
            "peak_rss_mib": round(fig.peak_rss_mib(), 1),
            "ceiling": tool == ceiling,
        }
    return out


def cell(value: float | None, width: int, digits: int) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def table(title: str, rows: dict[str, dict]) -> str:
    """The peers first, then the ceiling under its own heading: a limit to
    measure against, not a peer to beat."""
    width = max([16, *(len(tool) + 1 for tool in rows)])
    lines = [title, f"  {'tool':<{width}}{'median s':>10}{'MiB/s':>8}{'peer/ours':>11}{'x max':>7}"
                    f"{'CPU s':>8}{'CPU s/GiB':>11}{'peak RSS MiB':>14}"]
    peers = [tool for tool, row in rows.items() if not row["ceiling"]]
    ceilings = [tool for tool, row in rows.items() if row["ceiling"]]
    for tool in peers + ceilings:
        if tool in ceilings:
            lines.append("  ceiling, what SeaweedFS serves here (x max: a tool's time / this one's):")
        row = rows[tool]
        lines.append(f"  {tool:<{width}}{row['median_s']:>10.2f}{cell(row['mib_s'], 8, 0)}"
                     f"{cell(row['time_vs_ours'], 11, 2)}{cell(row['time_vs_ceiling'], 7, 2)}"
                     f"{row['cpu_s']:>8.2f}{cell(row['cpu_s_per_gib'], 11, 2)}{row['peak_rss_mib']:>14.0f}")
    return "\n".join(lines)


def overview(scenarios: dict[str, dict], ours: str, cpu_peer: str) -> str:
    """One line per scenario: our median, RSS, CPU s/GiB beside `cpu_peer`'s,
    our time / the ceiling's, then each peer's time / ours."""
    lines = ["Summary: peer time / ours (> 1: we are faster); CPU s per GiB, ours | "
             f"{cpu_peer}'s; x max: our time / the ceiling's (1 = the store's limit)",
             f"  {'key':<8}{'ours s':>8}{'RSS MiB':>9}{'CPU/GiB':>9} | {cpu_peer:>7}{'x max':>7}   peers"]
    for key, result in scenarios.items():
        rows = result["tools"]
        mine = rows.get(ours)
        if mine is None:
            lines.append(f"  {key:<8}{ours} failed")
            continue
        theirs = rows.get(cpu_peer, {}).get("cpu_s_per_gib")
        peers = "  ".join(f"{tool} {cell(row['time_vs_ours'], 0, 2)}" for tool, row in rows.items()
                          if tool != ours and not row["ceiling"])
        lines.append(f"  {key:<8}{mine['median_s']:>8.2f}{mine['peak_rss_mib']:>9.0f}"
                     f"{cell(mine['cpu_s_per_gib'], 9, 2)} | {cell(theirs, 7, 2)}"
                     f"{cell(mine['time_vs_ceiling'], 7, 2)}   {peers}")
    return "\n".join(lines)


def save_section(results: Path, name: str, section: dict) -> None:
    """Add or replace one section of the results file, keeping the others."""
    data = {}
    if results.exists():
        try:
            data = json.loads(results.read_text())
        except ValueError:
            data = {}
    data[name] = section
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2) + "\n")
