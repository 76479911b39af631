"""The Python API: move data from a notebook cell or a script, in the CLI's words.

    import jupyter_buckets as jb
    jb.copy("outputs/run-42.zarr/", "osn:leap-pubs/run-42.zarr/")
    jb.sync("results/", "gs://leap-persistent/me/results/", delete=True, dry_run=True)
    jb.ls("osn:leap-pubs/")

Locations are the CLI's: `remote:bucket/path`, `s3://bucket/path` and
`gs://bucket/path` (add remote= when several remotes could open them), or
local paths, relative to the current directory. A trailing '/' on a source
folder copies its contents into the destination, as rsync and the CLI do.
"""

from __future__ import annotations

from typing import Any, Sequence

from . import engines
from .locations import Location, as_text
from .transfers import OnConflict, Transfer, TransferPlan, TransferResult, Via, run


def copy(
    src: Location,
    dst: Location,
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    on_conflict: OnConflict = "replace",
    transfers: int | None = None,
    dry_run: bool = False,
    wait: bool = True,
    progress: bool = True,
    remote: str | None = None,
    via: Via = "auto",
    scheduler: str | None = None,
) -> TransferResult | Transfer | TransferPlan:
    """Copy a file or folder between the disk and buckets (or bucket to bucket, server-side when the store can).

    include / exclude: globs on paths relative to the source ('*.nc', 'run-*/**').
    on_conflict: what to do with each destination file that exists already:
      'replace' (the CLI's default), 'skip', 'rename' (keep both: 'name (1).ext'),
      or 'error' (copy nothing; DestinationExistsError lists them).
    transfers: files in flight at once (default 16).
    dry_run: return a TransferPlan of what would be copied, copy nothing.
    wait: False returns the running Transfer at once (.status(), .wait(), .cancel()).
    progress: show a progress bar (in a notebook) or line (on a terminal).
    remote: the remote that opens s3:// or gs:// locations.
    via: 'auto' (the running Jupyter's sidecar when there is one, so the job shows in
      the Transfers panel and outlives the kernel; else here), 'jupyter' or 'cli';
      or 'dask': the copy is split into shards that the workers of your Dask cluster
      run (copies between buckets; the cluster of $DASK_SCHEDULER_ADDRESS, Dask's
      config or Dask Gateway, or scheduler='tcp://host:port'); or 'cloud': Google's
      Storage Transfer Service copies a folder into a GCS bucket.

    Raises TransferError (with .result) if any file failed, TransferCancelled if it
    was cancelled, and a BucketsError subclass (FileNotFoundError, PermissionError,
    FileExistsError kinds) if it was refused before it began.
    """
    return run(
        "copy",
        src,
        dst,
        wait,
        progress,
        include=include,
        exclude=exclude,
        on_conflict=on_conflict,
        transfers=transfers,
        dry_run=dry_run,
        remote=remote,
        via=via,
        scheduler=scheduler,
    )


def move(
    src: Location,
    dst: Location,
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    on_conflict: OnConflict = "replace",
    transfers: int | None = None,
    dry_run: bool = False,
    wait: bool = True,
    progress: bool = True,
    remote: str | None = None,
    via: Via = "auto",
    scheduler: str | None = None,
) -> TransferResult | Transfer | TransferPlan:
    """Move: copy (as copy() does), then delete each source file once its copy is verified."""
    return run(
        "move",
        src,
        dst,
        wait,
        progress,
        include=include,
        exclude=exclude,
        on_conflict=on_conflict,
        transfers=transfers,
        dry_run=dry_run,
        remote=remote,
        via=via,
        scheduler=scheduler,
    )


def sync(
    src: Location,
    dst: Location,
    *,
    dry_run: bool = False,
    delete: bool = False,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    checksum: bool = False,
    on_conflict: OnConflict = "replace",
    transfers: int | None = None,
    wait: bool = True,
    progress: bool = True,
    remote: str | None = None,
    via: Via = "auto",
    scheduler: str | None = None,
) -> TransferResult | Transfer | TransferPlan:
    """Make dst like src: copy what is new or differs (size and time, or checksum=True).

    delete=True also deletes destination files src does not have (try dry_run=True
    first: the plan lists them). Changed files are replaced unless on_conflict says
    otherwise. Other arguments as for copy().
    """
    return run(
        "sync",
        src,
        dst,
        wait,
        progress,
        include=include,
        exclude=exclude,
        on_conflict=on_conflict,
        transfers=transfers,
        dry_run=dry_run,
        delete=delete,
        checksum=checksum,
        remote=remote,
        via=via,
        scheduler=scheduler,
    )


def _located(location: Location, remote: str | None) -> list[str]:
    args = [as_text(location)]
    return args + ["--remote", remote] if remote else args


def ls(location: Location, *, recursive: bool = False, remote: str | None = None) -> list[dict[str, Any]]:
    """The entries of a folder (or the buckets of 'remote:'), all pages.

    Each is a dict with 'type' ('bucket', 'folder' or 'object') and 'name';
    objects also have 'key', 'size', 'modified' (ISO 8601) and what the store gives
    (etag, checksums); folders have 'prefix'.
    """
    args = ["ls", *_located(location, remote), "--json"]
    if recursive:
        args.append("--recursive")
    entries = []
    for entry in engines.json_lines(engines.run_cli(args)):
        kind = "object" if "key" in entry else "folder" if "prefix" in entry else "bucket"
        entries.append({"type": kind, **entry})
    return entries


def stat(location: Location, *, remote: str | None = None) -> dict[str, Any]:
    """One object's size, dates, checksums, content type and metadata; FileNotFoundError if there is none."""
    return dict(engines.json_lines(engines.run_cli(["stat", *_located(location, remote), "--json"]))[0])


def du(location: Location, *, remote: str | None = None) -> dict[str, Any]:
    """Objects and bytes under a folder (or a bucket, or one object): {'objects': n, 'bytes': n},
    with 'zarr' (2 or 3) when the folder is a Zarr store."""
    return dict(engines.json_lines(engines.run_cli(["du", *_located(location, remote), "--json"]))[0])


def rm(
    location: Location,
    *,
    recursive: bool = False,
    wait: bool = True,
    progress: bool = True,
    remote: str | None = None,
    via: Via = "auto",
) -> TransferResult | Transfer | None:
    """Delete an object, or with recursive=True everything under a folder (never a whole bucket).

    A folder (a Zarr store: thousands of chunks) goes as a delete job, in batches, with
    progress; inside Jupyter it runs in the sidecar and shows in the Transfers panel.
    Returns its TransferResult (or the running Transfer with wait=False); raises
    TransferError if some objects could not be deleted, FileNotFoundError kinds if
    there is nothing there. One object (recursive=False) is deleted at once; None.
    """
    if not recursive:
        engines.run_cli(["rm", *_located(location, remote), "--yes"])
        return None
    text = as_text(location)
    folder = text if text.endswith("/") else text + "/"
    return run("delete", folder, "", wait, progress, remote=remote, via=via)
