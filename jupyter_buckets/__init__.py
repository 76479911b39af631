"""jupyter-buckets: browse and move data in S3 and Google Cloud Storage from JupyterLab.

The Python package carries the prebuilt labextension, the Node sidecar bundle,
the jupyter-server-proxy entry point that starts it, and the CLI launcher.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jupyter-buckets")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@jupyter-buckets/labextension"}]
