"""Finding the Dask cluster a job runs on: the one the user already has.

In order: the scheduler named for the job (`--via dask=tcp://...`), then
$DASK_SCHEDULER_ADDRESS / Dask's own config (`scheduler-address`), then a
new Dask Gateway cluster where `dask-gateway` is configured (Pangeo hubs),
scaled to the plan. We never start a cluster of our own beyond that.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit


class NoCluster(Exception):
    """No Dask cluster can be reached: the message says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Connection:
    client: Any
    # tcp://host:port with no credential in it (what the panel may show).
    scheduler: str
    # A Gateway cluster we asked for: shut down when the job ends.
    gateway_cluster: Any = None

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.gateway_cluster is not None:
                self.gateway_cluster.shutdown()


HINT = (
    "Start one (e.g. dask.distributed.LocalCluster, or a Dask Gateway cluster) "
    "and set DASK_SCHEDULER_ADDRESS, or name it with --via dask=tcp://host:port."
)


def shown_address(address: str) -> str:
    """The address without any user:password a URL might carry."""
    parts = urlsplit(address)
    if parts.hostname is None:
        return address
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def scheduler_address(named: str | None = None) -> str | None:
    """The scheduler a job would use, without connecting; None: Gateway or nothing."""
    if named:
        return named
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return address
    try:
        import dask.config
    except ImportError:
        return None
    configured = dask.config.get("scheduler-address", None)
    return str(configured) if configured else None


def _gateway_configured() -> bool:
    try:
        import dask.config
        import dask_gateway  # noqa: F401
    except ImportError:
        return False
    return bool(dask.config.get("gateway.address", None))


def connect(named: str | None, shards: int, timeout: float = 20) -> Connection:
    """A client of the user's cluster (raises NoCluster with what to do)."""
    try:
        from distributed import Client
    except ImportError as error:
        raise NoCluster(
            f"Dask is not installed in the Python the sidecar uses ({sys.executable}).",
            "pip install 'dask[distributed]' (and dask-gateway on a hub), then try again.",
        ) from error
    address = scheduler_address(named)
    if address:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as error:  # OSError, TimeoutError, CommClosedError
            raise NoCluster(
                f"The Dask scheduler at {shown_address(address)} did not answer ({type(error).__name__}).",
                "Check that the cluster is running and the address is right.",
            ) from error
        return Connection(client, shown_address(address))
    if _gateway_configured():
        from dask_gateway import Gateway

        cluster = Gateway().new_cluster()
        # As many workers as shards, up to what a hub usually allows one user.
        cluster.adapt(minimum=1, maximum=max(1, min(shards, 20)))
        client = cluster.get_client(set_as_default=False)
        return Connection(client, shown_address(str(cluster.scheduler_address)), cluster)
    raise NoCluster("No Dask cluster is configured.", HINT)
