"""jupyter-server-proxy entry point: start the Node sidecar on a unix socket, with a per-launch secret."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from .node import MissingPartError, node_command

TOKEN_ENV = "JUPYTER_BUCKETS_TOKEN"
TOKEN_HEADER = "X-Jupyter-Buckets-Token"
# Jupyter's config directories, where the sidecar looks for the hub admin's
# jupyter_buckets.json: jupyter_core's own list, as the server sees it.
CONFIG_PATH_ENV = "JUPYTER_BUCKETS_CONFIG_PATH"


def _failing_command(message: str) -> list[str]:
    # The proxy then answers with an error the panel reports as "server part missing",
    # and the reason lands in the Jupyter server's log.
    return [sys.executable, "-c", "import sys; sys.stderr.write(sys.argv[1] + '\\n'); sys.exit(1)", message]


def setup_jupyter_buckets() -> dict[str, Any]:
    import os

    from jupyter_core.paths import jupyter_config_path

    token = secrets.token_urlsafe(32)
    try:
        command = [*node_command(), "serve", "--socket", "{unix_socket}"]
    except MissingPartError as error:
        command = _failing_command(str(error))
    return {
        "command": command,
        "environment": {TOKEN_ENV: token, CONFIG_PATH_ENV: os.pathsep.join(jupyter_config_path())},
        # A unix socket, not a loopback port that any local user could reach.
        "unix_socket": True,
        "timeout": 60,
        "absolute_url": False,
        "new_browser_tab": False,
        "launcher_entry": {"enabled": False},
        "request_headers_override": {TOKEN_HEADER: token},
    }
