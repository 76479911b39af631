"""Whether a job could run on Dask now: `python -m jupyter_buckets.cluster.probe [SCHEDULER]`.

Prints one JSON line: {"available", "scheduler", "workers"} or a reason.
Connecting to a Dask Gateway would start a cluster, so a configured Gateway
is reported as available without asking it.
"""

from __future__ import annotations

import json
import sys

from .connect import HINT, NoCluster, _gateway_configured, connect, scheduler_address, shown_address


def probe(named: str | None) -> dict[str, object]:
    address = scheduler_address(named)
    if not address and _gateway_configured():
        return {"available": True, "scheduler": "Dask Gateway"}
    if not address:
        return {"available": False, "reason": f"No Dask cluster is configured. {HINT}"}
    try:
        connection = connect(address, 0, timeout=5)
    except NoCluster as problem:
        return {"available": False, "scheduler": shown_address(address), "reason": f"{problem.message} {problem.hint}"}
    try:
        workers = len(connection.client.scheduler_info().get("workers", {}))
    finally:
        connection.close()
    return {"available": True, "scheduler": connection.scheduler, "workers": workers}


def main() -> int:
    print(json.dumps(probe(sys.argv[1] if len(sys.argv) > 1 else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
