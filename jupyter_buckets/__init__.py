"""jupyter-buckets: browse and move data in S3 and Google Cloud Storage from JupyterLab.

The Python package carries the prebuilt labextension, the Node sidecar bundle,
the jupyter-server-proxy entry point that starts it, and the CLI launcher.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # __version__ is looked up on first use: importlib.metadata costs tens of
    # milliseconds, and the `jupyter-buckets` command imports this package
    # only to hand over to Node.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("jupyter-buckets")
    except PackageNotFoundError:  # running from a source tree that was never installed
        value = "0.0.0"
    globals()["__version__"] = value
    return value


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@jupyter-buckets/labextension"}]


ROOT_ENV = "JUPYTER_BUCKETS_ROOT"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_buckets"}]


def _load_jupyter_server_extension(serverapp) -> None:  # type: ignore[no-untyped-def]
    # jupyter-server-proxy can template only the port, socket and base URL into
    # the sidecar's environment, not the server's root_dir; the sidecar starts
    # lazily with this process's environment, so putting the root here is enough
    # for it to confine local paths to what the file browser shows.
    import os

    os.environ.setdefault(ROOT_ENV, os.path.abspath(os.path.expanduser(serverapp.root_dir)))
