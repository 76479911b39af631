"""A Dask LocalCluster on 127.0.0.1 for tests, the demo and the bench.

`python scripts/dask_cluster.py [--workers N]` prints the scheduler's address
as its first line, then serves until stdin closes or it is signalled. Worker
processes (with a nanny, so a worker killed is started again, as on a real
cluster), one thread each, no dashboard: nothing listens beyond loopback.
"""

from __future__ import annotations

import argparse
import signal
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_kwargs={"dashboard": False},
    )
    print(cluster.scheduler_address, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.stdin.close())
    try:
        sys.stdin.read()
    except (KeyboardInterrupt, ValueError):
        pass
    cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
