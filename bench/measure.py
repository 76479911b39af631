"""Measuring one command of a transfer benchmark: wall-clock seconds and the
peak resident memory (VmHWM, from wait4's rusage) of the process itself, plus
the summary figures (median, MiB/s, ratio of each peer's time to ours) and the
table bench/transfers.py prints.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024


class ToolFailed(RuntimeError):
    """A measured command exited with an error; the message holds its output's tail."""


@dataclass
class Run:
    seconds: float
    peak_rss_kib: int


@dataclass
class Figures:
    """Every run of one tool in one scenario."""

    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def peak_rss_mib(self) -> float:
        return max(run.peak_rss_kib for run in self.runs) / 1024


def measured(command: list[str], env: dict[str, str], log: Path) -> Run:
    """Run `command` to its end; wait4 gives the peak RSS of that very process."""
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
    return Run(seconds, usage.ru_maxrss)  # KiB on Linux


def summary(figures: dict[str, Figures], data_bytes: int, ours: str) -> dict[str, dict]:
    """Median seconds, MiB/s, peer time / our time and peak RSS per tool."""
    base = figures[ours].median() if ours in figures else 0.0
    out = {}
    for tool, fig in figures.items():
        median = fig.median()
        out[tool] = {
            "median_s": round(median, 3),
            "all_s": [round(run.seconds, 3) for run in fig.runs],
            "mib_s": round(data_bytes / MiB / median, 1) if data_bytes else None,
            "time_vs_ours": round(median / base, 2) if base > 0 else None,
            "peak_rss_mib": round(fig.peak_rss_mib(), 1),
        }
    return out


def table(title: str, rows: dict[str, dict]) -> str:
    lines = [title, f"  {'tool':<16}{'median s':>10}{'MiB/s':>9}{'peer/ours':>11}{'peak RSS MiB':>14}"]
    for tool, row in rows.items():
        rate = f"{row['mib_s']:.0f}" if row["mib_s"] is not None else "-"
        ratio = f"{row['time_vs_ours']:.2f}" if row["time_vs_ours"] is not None else "-"
        lines.append(f"  {tool:<16}{row['median_s']:>10.2f}{rate:>9}{ratio:>11}{row['peak_rss_mib']:>14.0f}")
    return "\n".join(lines)


def overview(scenarios: dict[str, dict], ours: str) -> str:
    """One line per scenario: our median and RSS, each peer's time / ours."""
    lines = ["Summary: peer time / ours (> 1: we are faster)"]
    for key, result in scenarios.items():
        rows = result["tools"]
        mine = rows.get(ours)
        if mine is None:
            lines.append(f"  {key:<5} {ours} failed")
            continue
        peers = "  ".join(f"{tool} {row['time_vs_ours']:.2f}" for tool, row in rows.items() if tool != ours)
        lines.append(f"  {key:<5} {mine['median_s']:7.2f} s {mine['peak_rss_mib']:5.0f} MiB   {peers}")
    return "\n".join(lines)
