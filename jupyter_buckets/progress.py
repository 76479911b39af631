"""A transfer's live progress where the call was made: in a notebook, a bar
in the cell's output, updated in place; on a terminal, one line on stderr;
elsewhere (a script's log), nothing until the result.

The notebook bar is plain HTML updated through a display id, not a widget:
it needs no ipywidgets (absent from many hubs' kernels, and a widget shows
nothing once the notebook is reopened), and the last state stays in the
saved notebook. Names from a store are untrusted: all text is escaped.
"""

from __future__ import annotations

import html
import sys
from typing import Any


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB' (the CLI's units)."""
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    value, unit = float(n), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:.1f} {units[unit]}" if unit else f"{int(value)} B"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def progress_text(job: dict[str, Any]) -> str:
    p, totals = job.get("progress", {}), job.get("totals", {})
    counting = "+" if totals.get("counting") else ""
    total = totals.get("bytes", 0)
    share = "counting" if counting else f"{int(100 * p.get('bytes', 0) / total) if total else 100}%"
    failed = f", {p['failed']} failed" if p.get("failed") else ""
    return (
        f"{human_bytes(p.get('bytes', 0))} / {human_bytes(total)}{counting} ({share}), "
        f"{human_bytes(p.get('rate', 0))}/s, {duration(p.get('eta'))} left, "
        f"{'chunks' if job.get('zarr') else 'objects' if job.get('op') == 'delete' else 'files'} {p.get('files', 0)}/{totals.get('files', 0)}{counting}{failed}"
    )


def _in_notebook() -> bool:
    # Only if IPython is already loaded: a script must not pay for importing it.
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class _Output:
    """What the notebook shows: HTML for Jupyter, text for any other frontend."""

    def __init__(self, title: str, job: dict[str, Any], final: str | None) -> None:
        self.title, self.job, self.final = title, job, final

    def __repr__(self) -> str:
        return f"{self.title}: {self.final or progress_text(self.job)}"

    def _repr_html_(self) -> str:
        total = self.job.get("totals", {}).get("bytes", 0)
        done = self.job.get("progress", {}).get("bytes", 0)
        bar = "" if self.final else f'<progress value="{done}" max="{max(total, 1)}" style="width:24em"></progress> '
        body = html.escape(self.final or progress_text(self.job))
        errors = "".join(
            f"<li>{html.escape(str(e.get('path', '')))}: {html.escape(str(e.get('message', '')))}</li>"
            for e in (self.job.get("errors") or [])[:5]
        )
        errors = f"<ul>{errors}</ul>" if errors else ""
        return f"<div><b>{html.escape(self.title)}</b><br>{bar}<span>{body}</span>{errors}</div>"


class ProgressDisplay:
    """Shows one transfer's progress; `update` with each new job record, `close` with the last."""

    def __init__(self, title: str, enabled: bool = True) -> None:
        self.title = title
        self.mode = "none"
        if enabled:
            self.mode = "notebook" if _in_notebook() else "terminal" if sys.stderr.isatty() else "none"
        self._handle: Any = None

    def update(self, job: dict[str, Any]) -> None:
        self._show(job, None)

    def close(self, job: dict[str, Any], summary: str) -> None:
        self._show(job, summary)
        if self.mode == "terminal":
            sys.stderr.write("\n")

    def _show(self, job: dict[str, Any], final: str | None) -> None:
        if self.mode == "notebook":
            from IPython.display import display

            output = _Output(self.title, job, final)
            if self._handle is None:
                self._handle = display(output, display_id=True)
            else:
                self._handle.update(output)
        elif self.mode == "terminal":
            sys.stderr.write(f"\r\x1b[K{final or progress_text(job)}")
            sys.stderr.flush()
