"""One shard of a job, run on a Dask worker by the same engine as everywhere.

The task starts the installed `jupyter-buckets` CLI (`shard`), gives it the
shard on stdin, and turns its JSON lines into events on the job's topic,
which the coordinator follows. The shard's input carries its remotes'
secrets: it travels inside a `Sealed` value, never in the task's name, its
repr or a log line, and reaches the engine on a pipe (not argv or the
environment, which other users' `ps` may show).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from typing import Any

from ..node import node_command

TOPIC_PREFIX = "jupyter-buckets-"
CANCEL_PREFIX = "jupyter-buckets-cancel-"
# Progress events a second per shard, at most: enough for a live panel.
PROGRESS_INTERVAL = 0.25
CANCEL_POLL = 1.0


class Sealed:
    """Bytes that must not be shown: its repr is the same whatever it holds."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __repr__(self) -> str:
        return "<jupyter-buckets shard>"

    __str__ = __repr__

    def reveal(self) -> bytes:
        return self._data


class ShardError(Exception):
    """The engine could not run the shard (the task is then run again by Dask)."""


def _cancelled(job: str) -> bool:
    try:
        from distributed import Event

        return bool(Event(CANCEL_PREFIX + job).is_set())
    except Exception:
        return False


def run_shard(job: str, shard: int, sealed: Sealed) -> dict[str, Any]:
    """Copy one shard; returns the engine's summary (files done, failed)."""
    from distributed import get_worker

    worker = get_worker()
    attempt = uuid.uuid4().hex[:8]
    topic = TOPIC_PREFIX + job

    def tell(message: dict[str, Any]) -> None:
        worker.log_event(
            topic, {**message, "shard": shard, "attempt": attempt, "worker": worker.address}
        )

    process = subprocess.Popen(
        [*node_command(), "shard"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(sealed.reveal() + b"\n")
    process.stdin.flush()
    # stdin stays open: its end is the engine's signal to stop and abort what
    # it has in flight (this task cancelled, or this worker gone).
    stop = threading.Event()

    def watch_cancel() -> None:
        while not stop.wait(CANCEL_POLL):
            if _cancelled(job):
                try:
                    process.stdin.close()  # type: ignore[union-attr]
                except OSError:
                    pass
                return

    threading.Thread(target=watch_cancel, daemon=True).start()
    tell({"type": "started"})
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    shown = 0.0
    try:
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            kind = message.get("type")
            if kind == "progress":
                now = time.monotonic()
                if now - shown >= PROGRESS_INTERVAL:
                    shown = now
                    tell(message)
            elif kind in ("file-done", "file-failed"):
                tell(message)
            elif kind == "end":
                result = message
            elif kind == "error":
                error = message.get("error")
        code = process.wait()
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    if result is None:
        what = error.get("message") if isinstance(error, dict) else None
        raise ShardError(what or f"jupyter-buckets stopped (exit code {code}) before the shard ended")
    if _cancelled(job):
        result["cancelled"] = True
    tell({"type": "progress", "bytes": result.get("bytes", 0), "files": result.get("files", 0)})
    return result
