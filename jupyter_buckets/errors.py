"""The exceptions of the Python API: the sidecar's error codes, as Python's own kinds of error.

Every failure carries the code, the message and the hint the panel and the
CLI show, and is also the built-in exception a Python user would catch for
it (FileNotFoundError for a missing object, PermissionError for a refused
write, FileExistsError when a copy would replace files).
"""

from __future__ import annotations

from typing import Any


class BucketsError(Exception):
    """A jupyter-buckets operation failed; `code`, `message` and `hint` say why and what to do."""

    def __init__(self, code: str, message: str, hint: str | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{message}\nhint: {hint}" if hint else message)
        self.code = code
        self.message = message
        self.hint = hint
        self.body = body or {}


class BucketsNotFoundError(BucketsError, FileNotFoundError):
    """No such remote, bucket or object."""


class BucketsPermissionError(BucketsError, PermissionError):
    """The store, or the hub admin's rules, refused the operation."""


class DestinationExistsError(BucketsError, FileExistsError):
    """A copy would replace existing files and on_conflict='error' was asked: nothing was written."""

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        """The existing destination files (path, dst, source and existing size and time)."""
        return list(self.body.get("conflicts") or [])


class TransferError(BucketsError):
    """A transfer ended without copying everything; `result` says what it did."""

    def __init__(self, result: Any, message: str) -> None:
        error = getattr(result, "error", None) or {}
        super().__init__(error.get("code", "transfer_failed"), message, error.get("hint"))
        self.result = result


class TransferCancelled(TransferError):
    """The transfer was cancelled (from the Transfers panel, `Transfer.cancel()` or an interrupt)."""


_KINDS: dict[str, type[BucketsError]] = {
    "not_found": BucketsNotFoundError,
    "bucket_not_found": BucketsNotFoundError,
    "remote_not_found": BucketsNotFoundError,
    "access_denied": BucketsPermissionError,
    "read_only": BucketsPermissionError,
    "outside_writable_prefix": BucketsPermissionError,
    "path_outside_root": BucketsPermissionError,
    "invalid_credentials": BucketsPermissionError,
    "no_credentials": BucketsPermissionError,
    "destination_exists": DestinationExistsError,
}


def from_body(body: Any, fallback: str = "") -> BucketsError:
    """The exception for an API error body ({"error": {code, message, hint}})."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return BucketsError("internal", fallback or "jupyter-buckets failed without saying why.")
    kind = _KINDS.get(str(error.get("code")), BucketsError)
    return kind(str(error.get("code")), error["message"], error.get("hint"), error)
