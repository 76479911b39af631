"""Where the Python API's work runs: the running sidecar, or the CLI's engine.

Inside Jupyter, transfers go to the sidecar the Buckets panel uses, through
the Jupyter server that proxies it (authenticated as any API client is, with
the server's token, or on a hub with the server's own $JUPYTERHUB_API_TOKEN):
they are jobs like the panel's, shown in its Transfers panel, and they go on
when the kernel stops. The server extension tells kernels where that server
is ($JUPYTER_BUCKETS_SERVER_INFO, the server's own info file).

Elsewhere (a script, a terminal, a path outside the Jupyter root), the same
engine runs here as the `jupyter-buckets` CLI, which speaks JSON lines.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
from typing import Any
from urllib.parse import quote

from .errors import BucketsError, from_body
from .node import MissingPartError, node_command

SERVER_INFO_ENV = "JUPYTER_BUCKETS_SERVER_INFO"
# The CLI writes its failures to stderr as the API's error body when this is set.
ERRORS_ENV = "JUPYTER_BUCKETS_ERRORS"
PROXY_PATH = "jupyter-buckets"
API_PREFIX = "/api/v1"


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over the unix socket a Jupyter server may listen on (--sock)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class JupyterServer:
    """The sidecar's API through the Jupyter server that started this kernel."""

    def __init__(self, info: dict[str, Any], token: str) -> None:
        self.info = info
        self.token = token
        self.root = os.path.abspath(os.path.expanduser(str(info.get("root_dir") or os.getcwd())))
        base = str(info.get("base_url") or "/")
        self.prefix = base.rstrip("/") + f"/{PROXY_PATH}{API_PREFIX}"

    @classmethod
    def find(cls) -> JupyterServer | None:
        """The server this kernel runs under, or None outside Jupyter (or when its info file is gone)."""
        path = os.environ.get(SERVER_INFO_ENV)
        if not path:
            return None
        try:
            with open(path, encoding="utf-8") as file:
                info = json.load(file)
        except (OSError, ValueError):
            return None
        token = info.get("token") or os.environ.get("JUPYTERHUB_API_TOKEN") or ""
        return cls(info, token) if isinstance(info, dict) else None

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.info.get("sock"):
            return _UnixConnection(str(self.info["sock"]), timeout)
        host = str(self.info.get("hostname") or "")
        # A server listening on every interface is reached on loopback.
        if host in ("", "0.0.0.0", "::", "*", "localhost"):
            host = "127.0.0.1"
        port = int(self.info.get("port") or 8888)
        if self.info.get("secure"):
            return http.client.HTTPSConnection(host, port, timeout=timeout)
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method: str, route: str, body: Any = None, timeout: float = 120) -> Any:
        """One API call; the parsed JSON answer, or a BucketsError with the API's code and hint."""
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = self._connection(timeout)
        try:
            connection.request(method, self.prefix + route, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except OSError as error:
            raise BucketsError(
                "sidecar_unreachable",
                f"The Jupyter server at {self.info.get('url', 'its address')} did not answer: {error}",
                "Is the Jupyter server still running? Outside Jupyter, pass via='cli'.",
            ) from error
        finally:
            connection.close()
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = None
        if response.status >= 400:
            if isinstance(answer, dict) and "error" in answer:
                raise from_body(answer)
            raise BucketsError(
                "sidecar_unavailable",
                f"The jupyter-buckets server part answered HTTP {response.status} through the Jupyter server.",
                "See the Jupyter server's log for why it did not start.",
            )
        return answer

    @staticmethod
    def job_route(job_id: str) -> str:
        return f"/transfers/{quote(job_id, safe='')}"


def cli_command(args: list[str]) -> list[str]:
    """The command line of the `jupyter-buckets` CLI with these arguments."""
    try:
        return [*node_command(), *args]
    except MissingPartError as error:
        raise BucketsError("missing_part", str(error)) from error


def cli_env() -> dict[str, str]:
    return {**os.environ, ERRORS_ENV: "json"}


def cli_error(stderr: str, fallback: str) -> BucketsError:
    """The CLI's failure (its JSON error line on stderr) as an exception."""
    for line in reversed(stderr.strip().splitlines()):
        try:
            body = json.loads(line)
        except ValueError:
            continue
        if isinstance(body, dict) and "error" in body:
            return from_body(body)
    return BucketsError("internal", stderr.strip() or fallback)


def run_cli(args: list[str], timeout: float | None = None) -> str:
    """Run a CLI command to its end; its stdout, or the BucketsError it reported."""
    done = subprocess.run(
        cli_command(args),
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise cli_error(done.stderr, f"jupyter-buckets {args[0]} failed (exit {done.returncode}).")
    return done.stdout


def json_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
