"""The `jupyter-buckets` command (also `jupyter buckets`): run the sidecar's CLI on the bundled Node.

It only finds Node and the bundle and hands over: on POSIX by exec (the
process becomes Node, so signals, stdin/stdout and the exit code are Node's
own), elsewhere as a child. Keep its imports few: every module loaded here
is start-up time of every command.
"""

from __future__ import annotations

import os
import sys

from .node import MissingPartError, node_command


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        command = [*node_command(), *args]
    except MissingPartError as error:
        print(error, file=sys.stderr)
        return 1
    if os.name == "posix" and argv is None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(command[0], command)  # replaces this process: signals and exit code are Node's
    import subprocess

    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
