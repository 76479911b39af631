"""jupyter-buckets: browse and move data in S3 and Google Cloud Storage from JupyterLab.

The Python package carries the prebuilt labextension, the Node sidecar bundle,
the jupyter-server-proxy entry point that starts it, the CLI launcher, and
the Python API for notebooks and scripts (copy, move, sync, ls, stat, du, rm,
filesystem, mapper; see api.py).
"""

from __future__ import annotations


# The Python API (api.py, filesystems.py, errors.py), loaded on first use:
# the `jupyter-buckets` command imports this package only to hand over to
# Node, and must not pay for it.
_API = {
    "copy": "api",
    "move": "api",
    "sync": "api",
    "ls": "api",
    "stat": "api",
    "du": "api",
    "rm": "api",
    "filesystem": "filesystems",
    "mapper": "filesystems",
    "url_to_fs": "filesystems",
    "storage_options": "filesystems",
    "Transfer": "transfers",
    "TransferResult": "transfers",
    "TransferPlan": "transfers",
    "BucketsError": "errors",
    "BucketsNotFoundError": "errors",
    "BucketsPermissionError": "errors",
    "DestinationExistsError": "errors",
    "TransferError": "errors",
    "TransferCancelled": "errors",
}
__all__ = sorted(_API)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name in _API:
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{_API[name]}"), name)
        globals()[name] = value
        return value
    # __version__ is looked up on first use too: importlib.metadata costs tens of milliseconds.
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
# Where kernels find this server; engines.py reads it.
SERVER_INFO_ENV = "JUPYTER_BUCKETS_SERVER_INFO"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_buckets"}]


def _load_jupyter_server_extension(serverapp) -> None:  # type: ignore[no-untyped-def]
    # jupyter-server-proxy can template only the port, socket and base URL into
    # the sidecar's environment, not the server's root_dir; the sidecar starts
    # lazily with this process's environment, so putting the root here is enough
    # for it to confine local paths to what the file browser shows.
    import os

    os.environ.setdefault(ROOT_ENV, os.path.abspath(os.path.expanduser(serverapp.root_dir)))
    # Kernels inherit this environment too: the Python API in a notebook finds
    # this server (its address, token and root, in the info file it writes for
    # `jupyter server list`) and sends transfers to the running sidecar.
    os.environ[SERVER_INFO_ENV] = serverapp.info_file
