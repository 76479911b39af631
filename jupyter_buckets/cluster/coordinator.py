"""The sidecar's go-between with a Dask cluster: `python -m jupyter_buckets.cluster.coordinator`.

It reads the job's shards as one JSON line on stdin, connects to the user's
cluster, sends one task per shard and writes what happens as JSON lines on
stdout (progress from the workers, shards done or failed, workers busy). A
later stdin line {"type": "cancel"}, or the end of stdin (the sidecar gone),
cancels the job. Dask runs a task again when its worker dies; the engine on
the worker skips what an earlier attempt finished.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from .connect import NoCluster, connect
from .shard import CANCEL_PREFIX, TOPIC_PREFIX, Sealed, run_shard

# Tries of a shard that raised (a worker's death is not counted here: the
# scheduler runs it again up to its allowed-failures).
SHARD_RETRIES = 2
WORKERS_INTERVAL = 1.0

_out_lock = threading.Lock()


def out(message: dict[str, Any]) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def error_of(error: BaseException) -> dict[str, str]:
    text = str(error) or type(error).__name__
    if isinstance(error, ModuleNotFoundError) or "No module named 'jupyter_buckets'" in text:
        return {
            "code": "cluster_unready",
            "message": "jupyter-buckets is not installed on the Dask workers.",
            "hint": "Install jupyter-buckets into the workers' environment (the same image as the notebook).",
        }
    if type(error).__name__ == "KilledWorker":
        return {
            "code": "cluster_error",
            "message": "The workers running this shard kept dying.",
            "hint": "Give the workers more memory, then retry the job.",
        }
    return {"code": "cluster_error", "message": text[:500], "hint": "Retry the job."}


def run(start: dict[str, Any]) -> int:
    job = str(start["job"])
    shards: list[dict[str, Any]] = start["shards"]
    try:
        connection = connect(start.get("scheduler"), len(shards))
    except NoCluster as problem:
        out({"type": "error", "error": {"code": "cluster_unavailable", "message": problem.message, "hint": problem.hint}})
        return 1
    client = connection.client
    from distributed import Event, as_completed

    cancel = Event(CANCEL_PREFIX + job, client=client)
    workers = client.scheduler_info().get("workers", {})
    out({"type": "connected", "scheduler": connection.scheduler, "workers": len(workers)})
    client.subscribe_topic(TOPIC_PREFIX + job, lambda event: out(event[1]))
    futures = {}
    for shard in shards:
        future = client.submit(
            run_shard,
            job,
            shard["id"],
            Sealed(json.dumps(shard["input"]).encode()),
            # The name the dashboard shows: the job and the shard, nothing more.
            key=f"jupyter-buckets-{job[:8]}-shard-{shard['id']}",
            pure=False,
            retries=SHARD_RETRIES,
        )
        futures[future] = shard["id"]
    keys = {future.key for future in futures}
    done = threading.Event()
    cancelled = threading.Event()

    def listen() -> None:
        for line in sys.stdin:
            try:
                if json.loads(line).get("type") != "cancel":
                    continue
            except ValueError:
                continue
            break
        # A cancel, or the sidecar gone.
        if not done.is_set():
            cancelled.set()
            cancel.set()
            client.cancel(list(futures), force=True)

    def count_workers() -> None:
        while not done.wait(WORKERS_INTERVAL):
            try:
                processing = client.processing()
            except Exception:
                continue
            busy = sum(1 for tasks in processing.values() if keys.intersection(tasks))
            out({"type": "workers", "busy": busy, "total": len(processing)})

    threading.Thread(target=listen, daemon=True).start()
    threading.Thread(target=count_workers, daemon=True).start()
    try:
        for future in as_completed(list(futures), loop=client.loop):
            shard = futures[future]
            if future.status == "finished":
                out({"type": "shard-done", "shard": shard, "result": future.result()})
            elif future.status == "cancelled" or cancelled.is_set():
                out({"type": "shard-cancelled", "shard": shard})
            else:
                out({"type": "shard-failed", "shard": shard, "error": error_of(future.exception())})
    finally:
        done.set()
        try:
            # The workers that ran it (a new Gateway cluster had none at the start).
            out({"type": "workers", "busy": 0, "total": len(client.scheduler_info().get("workers", {}))})
        except Exception:
            pass
        out({"type": "end", "cancelled": cancelled.is_set()})
        try:
            cancel.clear()
        except Exception:
            pass
        connection.close()
    return 0


def main() -> int:
    line = sys.stdin.readline()
    if not line:
        return 2
    return run(json.loads(line))


if __name__ == "__main__":
    sys.exit(main())
