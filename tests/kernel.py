"""A real IPython kernel started by the test Jupyter server (so with the
environment the server gives its kernels), driven through jupyter_client."""

from __future__ import annotations

import json
from typing import Any

import requests
from jupyter_client import BlockingKernelClient


class Kernel:
    def __init__(self, jupyter: Any) -> None:
        self.jupyter = jupyter
        headers = {"Authorization": f"token {jupyter.token}"}
        answer = requests.post(
            f"{jupyter.url}/api/kernels", json={"name": "python3", "path": ""}, headers=headers, timeout=60
        )
        answer.raise_for_status()
        self.id = answer.json()["id"]
        # The server writes each kernel's connection file in its runtime dir.
        connection = jupyter.root.parent / "runtime" / f"kernel-{self.id}.json"
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str, timeout: float = 120) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Execute a cell; its reply content and every output message (stream, display, error)."""
        outputs: list[dict[str, Any]] = []

        def keep(message: dict[str, Any]) -> None:
            if message["msg_type"] in ("stream", "display_data", "update_display_data", "execute_result", "error"):
                outputs.append({"type": message["msg_type"], **message["content"]})

        reply = self.client.execute_interactive(code, output_hook=keep, timeout=timeout)
        return reply["content"], outputs

    def run_json(self, code: str, timeout: float = 120) -> Any:
        """Execute a cell that prints one JSON value last; that value (the cell must succeed)."""
        reply, outputs = self.run(code, timeout)
        assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}\n{stdout(outputs)}"
        return json.loads(stdout(outputs).strip().splitlines()[-1])

    def stop(self) -> None:
        self.client.stop_channels()
        requests.delete(
            f"{self.jupyter.url}/api/kernels/{self.id}",
            headers={"Authorization": f"token {self.jupyter.token}"},
            timeout=60,
        )


def stdout(outputs: list[dict[str, Any]]) -> str:
    return "".join(o.get("text", "") for o in outputs if o["type"] == "stream" and o.get("name") == "stdout")
