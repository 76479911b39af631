"""fsspec from a remote in one line: the s3fs / gcsfs filesystem that opens
what the remote opens (its profile or identity, endpoint, path style,
region, anonymous access), for xarray, pandas, zarr and every fsspec user.

    ds = xr.open_zarr(jupyter_buckets.mapper("osn:leap-pubs/run-42.zarr"))
    fs = jupyter_buckets.filesystem("osn")

The remote is resolved by the same engine as the CLI (`jupyter-buckets
fsspec LOCATION`), so a name means the same thing everywhere. fsspec, s3fs
and gcsfs are optional: `pip install 'jupyter-buckets[fsspec]'`.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from . import engines
from .locations import Location, as_text, is_local

_LIBRARIES = {"s3": "s3fs", "gs": "gcsfs", "file": "fsspec"}


def _describe(location: Location, remote: str | None, secrets: bool) -> dict[str, Any]:
    text = as_text(location)
    # A bare remote name ('osn') names the remote: its buckets.
    if isinstance(location, str) and is_local(location) and location and "/" not in location and ":" not in location:
        text = f"{location}:"
    args = ["fsspec", text]
    if remote:
        args += ["--remote", remote]
    if secrets:
        args.append("--secrets")
    return dict(json.loads(engines.run_cli(args)))


def storage_options(location: Location, *, remote: str | None = None) -> dict[str, Any]:
    """The fsspec storage_options of a remote or location, without any secret (safe to print or share).

    Where a secret is needed that fsspec cannot find by itself (keys kept only in
    rclone.conf), it is left out with a warning that says what to do.
    """
    described = _describe(location, remote, secrets=False)
    if described.get("missingSecret"):
        warnings.warn(described["missingSecret"], stacklevel=2)
    return dict(described["storage_options"])


def _fsspec(protocol: str, options: dict[str, Any]) -> Any:
    try:
        import fsspec
    except ImportError as error:
        raise ImportError(
            "jupyter_buckets.filesystem() needs fsspec: pip install 'jupyter-buckets[fsspec]'"
        ) from error
    try:
        if protocol == "gs" and options.get("endpoint_url"):
            # gcsfs's default class first asks Google's gRPC control plane what
            # kind of bucket it is; an emulator or a hub's proxy at a custom
            # endpoint does not speak it, and every call waited 60 s for that
            # to fail. The plain JSON-API class is what such an endpoint serves.
            from gcsfs.core import GCSFileSystem

            return GCSFileSystem(**options)
        return fsspec.filesystem(protocol, **options)
    except ImportError as error:
        library = _LIBRARIES.get(protocol, protocol)
        raise ImportError(
            f"Opening {protocol}:// needs {library}: pip install 'jupyter-buckets[fsspec]' (or pip install {library})"
        ) from error


def url_to_fs(location: Location, *, remote: str | None = None, **overrides: Any) -> tuple[Any, str]:
    """(filesystem, path) for a location, as fsspec.core.url_to_fs gives; overrides go to the filesystem."""
    described = _describe(location, remote, secrets=True)
    options = {**described["storage_options"], **overrides}
    return _fsspec(described["protocol"], options), str(described["path"])


def filesystem(remote: str, **overrides: Any) -> Any:
    """The fsspec filesystem of a remote (s3fs.S3FileSystem or gcsfs.GCSFileSystem), configured as the remote is.

    `remote` is a remote's name ('osn') or any location on it; keyword arguments
    override or add storage options (e.g. default_block_size).
    """
    return url_to_fs(remote, **overrides)[0]


def mapper(location: Location, *, remote: str | None = None, create: bool = False, **overrides: Any) -> Any:
    """An fsspec mapper (a key-value view of a folder) for zarr and xarray: xr.open_zarr(mapper('osn:b/run.zarr'))."""
    fs, path = url_to_fs(location, remote=remote, **overrides)
    return fs.get_mapper(path, create=create)
