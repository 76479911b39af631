"""The CLI's side of the conflict policy: `cp` replaces (as `aws s3 cp` and
rclone do), `--no-clobber` keeps what is there, `-i` asks on a terminal.
Local <-> S3 and S3 -> GCS, bytes checked with the AWS CLI and rclone."""

from __future__ import annotations

import os
import pty
import secrets
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "jupyter-buckets")


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def aws(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "aws"), "--profile", "demo-s3", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def rclone(*args: str) -> str:
    result = subprocess.run([str(VENV_BIN / "rclone"), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def prefix(server_env):
    run_id = f"cli-conflicts-{secrets.token_hex(4)}"
    yield run_id
    subprocess.run([str(VENV_BIN / "aws"), "--profile", "demo-s3", "s3", "rm", "--recursive", f"s3://scratch/{run_id}/"], capture_output=True)
    subprocess.run([str(VENV_BIN / "rclone"), "purge", f"demo-gcs:leap-scratch/{run_id}"], capture_output=True)


def test_cp_replaces_and_no_clobber_keeps_local_to_s3(tmp_path, prefix):
    (tmp_path / "a.txt").write_text("new a")
    (tmp_path / "b.txt").write_text("new b")
    aws("s3", "cp", "-", f"s3://scratch/{prefix}/a.txt", stdin="old a")
    kept = run(["cp", "--no-clobber", f"{tmp_path}/", f"demo-s3:scratch/{prefix}/"])
    assert kept.returncode == 0, kept.stderr
    assert aws("s3", "cp", f"s3://scratch/{prefix}/a.txt", "-") == "old a"
    assert aws("s3", "cp", f"s3://scratch/{prefix}/b.txt", "-") == "new b"
    replaced = run(["cp", f"{tmp_path}/a.txt", f"demo-s3:scratch/{prefix}/"])
    assert replaced.returncode == 0, replaced.stderr
    assert aws("s3", "cp", f"s3://scratch/{prefix}/a.txt", "-") == "new a"


def test_no_clobber_keeps_a_local_file_s3_to_local(tmp_path, prefix):
    aws("s3", "cp", "-", f"s3://scratch/{prefix}/notes.md", stdin="from the bucket")
    local = tmp_path / "notes.md"
    local.write_text("edited locally")
    result = run(["cp", "--no-clobber", f"demo-s3:scratch/{prefix}/notes.md", f"{tmp_path}/"])
    assert result.returncode == 0, result.stderr
    assert local.read_text() == "edited locally"
    result = run(["cp", f"demo-s3:scratch/{prefix}/notes.md", f"{tmp_path}/"])
    assert result.returncode == 0, result.stderr
    assert local.read_text() == "from the bucket"


def test_no_clobber_s3_to_gcs(prefix):
    aws("s3", "cp", "-", f"s3://scratch/{prefix}/r.csv", stdin="s3 r")
    aws("s3", "cp", "-", f"s3://scratch/{prefix}/s.csv", stdin="s3 s")
    subprocess.run([str(VENV_BIN / "rclone"), "rcat", f"demo-gcs:leap-scratch/{prefix}/r.csv"], input="gcs r", text=True, check=True)
    result = run(["cp", "--no-clobber", f"demo-s3:scratch/{prefix}/", f"demo-gcs:leap-scratch/{prefix}/"])
    assert result.returncode == 0, result.stderr
    assert rclone("cat", f"demo-gcs:leap-scratch/{prefix}/r.csv") == "gcs r"
    assert rclone("cat", f"demo-gcs:leap-scratch/{prefix}/s.csv") == "s3 s"


def test_cp_and_no_clobber_gcs_to_s3(prefix):
    subprocess.run([str(VENV_BIN / "rclone"), "rcat", f"demo-gcs:leap-scratch/{prefix}/g.nc"], input="from gcs", text=True, check=True)
    aws("s3", "cp", "-", f"s3://scratch/{prefix}/g.nc", stdin="already in s3")
    kept = run(["cp", "--no-clobber", f"demo-gcs:leap-scratch/{prefix}/g.nc", f"demo-s3:scratch/{prefix}/"])
    assert kept.returncode == 0, kept.stderr
    assert aws("s3", "cp", f"s3://scratch/{prefix}/g.nc", "-") == "already in s3"
    replaced = run(["cp", f"demo-gcs:leap-scratch/{prefix}/g.nc", f"demo-s3:scratch/{prefix}/"])
    assert replaced.returncode == 0, replaced.stderr
    assert aws("s3", "cp", f"s3://scratch/{prefix}/g.nc", "-") == "from gcs"


def test_interactive_without_a_terminal_is_refused(tmp_path, prefix):
    (tmp_path / "a.txt").write_text("a")
    result = subprocess.run(
        [CLI, "cp", "-i", str(tmp_path / "a.txt"), f"demo-s3:scratch/{prefix}/"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode != 0
    assert "needs a terminal" in result.stderr
    assert "--no-clobber" in result.stderr


def _converse(args: list[str], answers: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI with a terminal on stdin and stderr; answer each prompt by the file it names."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI, *args], stdin=slave, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = ""
    handled = 0
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            continue
        try:
            seen += os.read(master, 4096).decode(errors="replace")
        except OSError:
            break
        prompts = seen.split("[q]uit: ")
        # Every part but the last ends with a prompt; answer those not answered yet.
        while handled < len(prompts) - 1:
            asked = prompts[handled].rsplit("replace ", 1)[-1]
            name = next(n for n in answers if f"/{n} (" in asked)
            os.write(master, f"{answers[name]}\n".encode())
            handled += 1
    proc.wait(timeout=10)
    os.close(master)
    return proc.returncode, seen


def test_interactive_asks_per_file_on_a_terminal(tmp_path, prefix):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"new {name}")
        aws("s3", "cp", "-", f"s3://scratch/{prefix}/{name}", stdin=f"old {name}")
    code, transcript = _converse(
        ["cp", "-i", f"{tmp_path}/", f"demo-s3:scratch/{prefix}/"],
        {"a.txt": "y", "b.txt": "n", "c.txt": "k"},
    )
    assert code == 0, transcript
    assert transcript.count("[q]uit:") == 3, transcript
    assert aws("s3", "cp", f"s3://scratch/{prefix}/a.txt", "-") == "new a.txt"
    assert aws("s3", "cp", f"s3://scratch/{prefix}/b.txt", "-") == "old b.txt"
    assert aws("s3", "cp", f"s3://scratch/{prefix}/c.txt", "-") == "old c.txt"
    assert aws("s3", "cp", f"s3://scratch/{prefix}/c (1).txt", "-") == "new c.txt"
