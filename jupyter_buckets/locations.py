"""Locations as the Python API takes them: the CLI's forms, and paths.

`remote:bucket/path` (rclone's form), `s3://bucket/path` and `gs://bucket/path`
(with `remote=` when more than one remote could open them), or a local path
(str or os.PathLike), relative to the current directory as everywhere in
Python. The rules are core/location.ts's, so that a string means the same
thing here, in the CLI and in the panel.
"""

from __future__ import annotations

import os
import re
from typing import Union

Location = Union[str, "os.PathLike[str]"]

_URL_FORM = re.compile(r"^(s3|gs|gcs)://([^/]*)/?(.*)$", re.S)
# A remote name as rclone allows it; one letter and ':' is left to be a drive.
_REMOTE_FORM = re.compile(r"^([\w.@-][\w .@-]*?[\w.@-]|[\w.@-]{2,}):(.*)$", re.S)


def is_local(location: Location) -> bool:
    """Whether a location is a path on this machine (not remote:..., s3://, gs://)."""
    if not isinstance(location, str):
        return True
    if _URL_FORM.match(location):
        return False
    return not (_REMOTE_FORM.match(location) and not location.startswith(("/", ".")))


def as_text(location: Location) -> str:
    """The location as the CLI takes it: local paths made absolute (the CLI may run elsewhere), a trailing '/' kept."""
    if not is_local(location):
        return str(location)
    text = os.fspath(location)
    if not text:
        raise ValueError("An empty location: give remote:bucket/path, s3://bucket/path, gs://bucket/path or a path.")
    absolute = os.path.abspath(os.path.expanduser(text))
    # A trailing '/' means "the folder's contents" to the engine, as to rsync.
    return absolute + "/" if text.endswith(("/", os.sep)) and absolute != "/" else absolute


def under_root(location: Location, root: str) -> str | None:
    """A local location as a path relative to the Jupyter root (as the sidecar takes it), or None when it is outside."""
    absolute = as_text(location)
    folder = absolute.endswith("/")
    real = os.path.realpath(absolute)
    root = os.path.realpath(root)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return None
    relative = os.path.relpath(real, root).replace(os.sep, "/")
    if relative == ".":
        return "./"  # the root itself (an empty location means nothing)
    return relative + "/" if folder else relative
