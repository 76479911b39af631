"""copy, move and sync from Python: jobs on the same engine as the panel and the CLI.

A call starts a job (on the running sidecar inside Jupyter, else on the CLI's
engine here; see engines.py), shows its progress, and returns a
TransferResult, or raises: TransferError when files failed,
TransferCancelled when it was cancelled, a BucketsError subclass when it was
refused before it began. With wait=False it returns the Transfer at once, to
poll, wait for or cancel.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Sequence

from . import engines
from .errors import BucketsError, TransferCancelled, TransferError, from_body
from .locations import Location, as_text, is_local, under_root, _URL_FORM
from .progress import ProgressDisplay, human_bytes

OnConflict = Literal["replace", "skip", "rename", "error"]
# Where a job runs: the running Jupyter's sidecar or the CLI here (auto picks),
# or the workers of the user's Dask cluster (followed from either).
Via = Literal["auto", "jupyter", "cli", "dask", "cloud"]
_CLI_OPS = {"copy": "cp", "move": "mv", "sync": "sync", "delete": "rm"}
_FINAL = ("done", "failed", "cancelled")
# How often a job is looked at: the sidecar's own progress events come at most a few a second.
POLL_SECONDS = 0.5


@dataclass
class TransferResult:
    """What a finished transfer did."""

    id: str
    op: str
    src: str
    dst: str
    state: str
    files: int
    bytes: int
    seconds: float
    skipped: int = 0
    deleted: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Why the whole job failed, when it did ({code, message, hint}).
    error: dict[str, Any] | None = None
    #: "jupyter": a job of the running sidecar (in the Transfers panel); "cli": run by this process.
    via: str = "cli"

    @classmethod
    def from_job(cls, job: dict[str, Any], seconds: float, via: str) -> TransferResult:
        p = job.get("progress", {})
        # The job's own clock when it has both ends (it may have run unwatched).
        try:
            seconds = (_instant(job["finished"]) - _instant(job["created"])).total_seconds()
        except (KeyError, TypeError, ValueError):
            pass
        return cls(
            id=job.get("id", ""),
            op=job.get("op", ""),
            src=job.get("src", ""),
            dst=job.get("dst", ""),
            state=job.get("state", ""),
            files=p.get("files", 0),
            bytes=p.get("bytes", 0),
            seconds=seconds,
            skipped=p.get("skipped", 0),
            deleted=p.get("deleted", 0),
            failed=p.get("failed", 0),
            errors=list(job.get("errors") or []),
            error=job.get("error"),
            via=via,
        )

    def summary(self) -> str:
        rate = human_bytes(self.bytes / max(self.seconds, 0.001))
        if self.op == "delete":
            text = f"{self.state}: deleted {self.files} objects ({human_bytes(self.bytes)}) in {self.seconds:.1f} s; {self.failed} failed"
            return text + (f"\n{self.error.get('message', '')}" if self.error else "")
        text = (
            f"{self.state}: {self.files} files ({human_bytes(self.bytes)}) in {self.seconds:.1f} s, {rate}/s; "
            f"{self.skipped} identical or skipped, {self.deleted} deleted, {self.failed} failed"
        )
        if self.error:
            text += f"\n{self.error.get('message', '')}"
        return text


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class TransferPlan:
    """What a dry run found: nothing was copied or deleted."""

    op: str
    src: str
    dst: str
    #: [{"path", "size"}], paths relative to the source.
    copy: list[dict[str, Any]]
    #: Destination paths a sync with delete=True would remove.
    delete: list[str]
    skipped: int
    #: Destination files that exist and differ.
    conflicts: list[dict[str, Any]]
    files: int
    bytes: int

    @classmethod
    def from_plan(cls, plan: dict[str, Any]) -> TransferPlan:
        totals = plan.get("totals", {})
        return cls(
            op=plan.get("op", ""),
            src=plan.get("src", ""),
            dst=plan.get("dst", ""),
            copy=list(plan.get("copy") or []),
            delete=list(plan.get("delete") or []),
            skipped=plan.get("skipped", 0),
            conflicts=list(plan.get("conflicts") or []),
            files=totals.get("files", 0),
            bytes=totals.get("bytes", 0),
        )


class _ServerJob:
    """A job of the running sidecar, looked at through the Jupyter server."""

    via = "jupyter"

    def __init__(self, server: engines.JupyterServer, job: dict[str, Any]) -> None:
        self.server = server
        self.job = job

    def refresh(self) -> dict[str, Any]:
        self.job = self.server.request("GET", self.server.job_route(self.job["id"]))
        return self.job

    def cancel(self) -> None:
        self.job = self.server.request("DELETE", self.server.job_route(self.job["id"]))


class _CliJob:
    """A job of the CLI's engine in a child process, followed through its JSON lines."""

    via = "cli"

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            engines.cli_command(args),
            env=engines.cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.job: dict[str, Any] = {}
        self.failure: BucketsError | None = None
        self._started = threading.Event()
        self._stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._reader_err = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader_err.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            kind = event.get("type")
            if kind in ("progress", "end"):
                self.job = event["job"]
                self._started.set()
            elif kind == "error":
                self.failure = from_body(event)
        self.proc.wait()
        self._reader_err.join()
        if not self.job and self.failure is None:
            self.failure = engines.cli_error(self._stderr, f"jupyter-buckets exited with {self.proc.returncode}.")
        self._started.set()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self._stderr = self.proc.stderr.read()

    def started(self) -> dict[str, Any]:
        """The job's first record, once the CLI has planned it; raises what refused it."""
        self._started.wait()
        if not self.job:
            assert self.failure is not None
            raise self.failure
        return self.job

    def refresh(self) -> dict[str, Any]:
        if not self._reader.is_alive() and self.job.get("state") not in _FINAL:
            # The process ended without a final record (it was killed).
            self.job = {**self.job, "state": "failed", "error": {"code": "internal", "message": self._stderr.strip()}}
        return self.job

    def cancel(self) -> None:
        # The CLI cancels its job on SIGINT, as on Ctrl-C in a terminal.
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        self._reader.join(timeout=30)


class Transfer:
    """A running (or finished) transfer: poll it, wait for it, cancel it."""

    def __init__(self, runner: _ServerJob | _CliJob, title: str) -> None:
        self._runner = runner
        self._title = title
        self._started = time.monotonic()

    @property
    def id(self) -> str:
        return str(self._runner.job.get("id", ""))

    @property
    def via(self) -> str:
        """'jupyter' (a job of the running sidecar, shown in the Transfers panel) or 'cli'."""
        return self._runner.via

    def status(self) -> dict[str, Any]:
        """The job as the API shows it now: state, totals, progress (bytes, files, rate, eta), errors."""
        return self._runner.refresh()

    def done(self) -> bool:
        return self.status().get("state") in _FINAL

    def cancel(self) -> None:
        """Stop the job; files already copied stay, no partial file is left."""
        self._runner.cancel()

    def wait(self, *, progress: bool = True, timeout: float | None = None, check: bool = True) -> TransferResult:
        """Wait for the end (showing progress) and return the result; with check, raise unless it is done."""
        display = ProgressDisplay(self._title, progress)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            job = self._runner.refresh()
            while job.get("state") not in _FINAL:
                display.update(job)
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"{self._title} is still {job.get('state')} after {timeout} s.")
                time.sleep(POLL_SECONDS)
                job = self._runner.refresh()
        except KeyboardInterrupt:
            # An interrupted cell stops its copy, as Ctrl-C stops the CLI's.
            self.cancel()
            raise
        result = TransferResult.from_job(job, time.monotonic() - self._started, self.via)
        display.close(job, result.summary())
        if check and result.state == "cancelled":
            raise TransferCancelled(result, f"{self._title} was cancelled: {result.summary()}")
        if check and result.state != "done":
            raise TransferError(result, _failure_text(self._title, result))
        return result

    def __repr__(self) -> str:
        return f"<Transfer {self.id} {self._title} ({self._runner.job.get('state', 'starting')}, via {self.via})>"


def _failure_text(title: str, result: TransferResult) -> str:
    lines = [f"{title} {result.state}: {result.summary()}"]
    lines += [f"  {e.get('path')}: {e.get('message')}" for e in result.errors[:10]]
    if len(result.errors) > 10:
        lines.append(f"  ... and {len(result.errors) - 10} more (result.errors)")
    return "\n".join(lines)


def _options(
    op: str,
    include: Sequence[str] | None,
    exclude: Sequence[str] | None,
    on_conflict: OnConflict,
    transfers: int | None,
    dry_run: bool,
    delete: bool,
    checksum: bool,
) -> dict[str, Any]:
    if on_conflict not in ("replace", "skip", "rename", "error"):
        raise ValueError(f"on_conflict={on_conflict!r}: give 'replace', 'skip', 'rename' or 'error'.")
    if transfers is not None and not (isinstance(transfers, int) and 1 <= transfers <= 256):
        raise ValueError(f"transfers={transfers!r}: give a whole number from 1 to 256.")
    if isinstance(include, str) or isinstance(exclude, str):
        raise TypeError("include and exclude take a list of globs, e.g. include=['*.nc'].")
    options: dict[str, Any] = {"include": list(include or []), "exclude": list(exclude or [])}
    if on_conflict != "error":
        options["onConflict"] = on_conflict
    if transfers is not None:
        options["transfers"] = transfers
    if dry_run:
        options["dryRun"] = True
    if op == "sync":
        if delete:
            options["delete"] = True
        if checksum:
            options["checksum"] = True
    return options


def _cli_args(op: str, src: str, dst: str, options: dict[str, Any], remote: str | None) -> list[str]:
    if op == "delete":
        return ["rm", src, "--recursive", "--yes", "--json"] + (["--remote", remote] if remote else [])
    args = [_CLI_OPS[op], src, dst, "--json", "--on-conflict", options.get("onConflict", "fail")]
    for glob in options["include"]:
        args += ["--include", glob]
    for glob in options["exclude"]:
        args += ["--exclude", glob]
    if "transfers" in options:
        args += ["--transfers", str(options["transfers"])]
    if options.get("dryRun"):
        args.append("--dry-run")
    if options.get("delete"):
        args += ["--delete", "--yes"]
    if options.get("checksum"):
        args.append("--checksum")
    if options.get("via") == "dask":
        args += ["--via", f"dask={options['scheduler']}" if options.get("scheduler") else "dask"]
    elif options.get("via") == "cloud":
        args += ["--via", "cloud"]
    if remote:
        args += ["--remote", remote]
    return args


def _with_remote(location: str, remote: str | None) -> str:
    """s3://b/p with remote='osn' as the sidecar takes it: osn:b/p."""
    match = _URL_FORM.match(location) if remote else None
    if not match:
        return location
    bucket, path = match.group(2), match.group(3)
    return f"{remote}:{bucket}/{path}" if path else f"{remote}:{bucket}"


def _server_locations(server: engines.JupyterServer, src: Location, dst: Location, remote: str | None) -> list[str] | None:
    """src and dst as the sidecar takes them, or None when a local one is outside the Jupyter root."""
    texts = []
    # A delete (dst "") has a source only.
    for location in (src,) if dst == "" else (src, dst):
        if is_local(location):
            relative = under_root(location, server.root)
            if relative is None:
                return None
            texts.append(relative)
        else:
            texts.append(_with_remote(str(location), remote))
    return texts if dst != "" else [texts[0], ""]


def start(
    op: str,
    src: Location,
    dst: Location,
    *,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    on_conflict: OnConflict = "replace",
    transfers: int | None = None,
    dry_run: bool = False,
    delete: bool = False,
    checksum: bool = False,
    remote: str | None = None,
    via: Via = "auto",
    scheduler: str | None = None,
) -> Transfer | TransferPlan:
    """Start a transfer job (or plan one, with dry_run) and return it without waiting."""
    if via not in ("auto", "jupyter", "cli", "dask", "cloud"):
        raise ValueError(f"via={via!r}: give 'auto', 'jupyter', 'cli', 'dask' or 'cloud'.")
    if scheduler is not None and via != "dask":
        raise ValueError("scheduler= is for via='dask' (the Dask scheduler's address, tcp://host:port).")
    options = _options(op, include, exclude, on_conflict, transfers, dry_run, delete, checksum)
    if via in ("dask", "cloud"):
        # The bytes move on the workers of the user's Dask cluster, or in
        # Google's Storage Transfer Service; the job is followed from here as
        # any other (the sidecar's when in Jupyter).
        options["via"] = via
        if scheduler:
            options["scheduler"] = scheduler
        via = "auto"
    if op == "delete":
        # A delete has a source only, and nothing to conflict with.
        options.pop("onConflict", None)
    title = f"delete {src}" if op == "delete" else f"{op} {src} -> {dst}"
    server = engines.JupyterServer.find() if via != "cli" else None
    if via == "jupyter" and server is None:
        raise BucketsError(
            "not_in_jupyter",
            "via='jupyter' needs a kernel started by a Jupyter server with jupyter-buckets.",
            "Leave via at 'auto' to run the copy here.",
        )
    locations = _server_locations(server, src, dst, remote) if server else None
    if server and locations is None and via == "jupyter":
        raise BucketsError(
            "path_outside_root",
            f"A local path of {title} is outside the Jupyter root ({server.root}), which the sidecar cannot reach.",
            "Leave via at 'auto' to copy it from this kernel.",
        )
    if server and locations is not None:
        request = {"op": op, "src": locations[0], "dst": locations[1], "options": options}
        answer = server.request("POST", "/transfers", request)
        if dry_run:
            return TransferPlan.from_plan(answer)
        return Transfer(_ServerJob(server, answer), title)
    args = _cli_args(op, as_text(src), as_text(dst) if dst != "" else "", options, remote)
    if dry_run:
        for event in engines.json_lines(engines.run_cli(args)):
            if event.get("type") == "plan":
                return TransferPlan.from_plan(event)
        raise BucketsError("internal", f"jupyter-buckets gave no plan for {title}.")
    runner = _CliJob(args)
    runner.started()
    return Transfer(runner, title)


def run(op: str, src: Location, dst: Location, wait: bool, progress: bool, **kwargs: Any) -> Any:
    started = start(op, src, dst, **kwargs)
    if isinstance(started, TransferPlan) or not wait:
        return started
    return started.wait(progress=progress)
