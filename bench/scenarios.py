"""The transfer scenarios of issue 5 and their data: what is copied where, how
many bytes, and the folder a byte-for-byte check compares the result with.
Sizes scale with JB_BENCH_SCALE (1 = the issue's sizes, 0.05 = a smoke run);
JB_BENCH_HUGE=1 adds one server-side copy of an object over 5 GiB (never
scaled: it exists to take the UploadPartCopy path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tools import Job, Loc, s5cmd

MiB = 1024 * 1024
GiB = 1024 * MiB
SRC_BUCKET = "jb-bench-src"
DST_BUCKET = "jb-bench-dst"
SYNC_BUCKET = "jb-bench-sync"
GCS_BUCKET = "jb-bench-gcs"
SMALL_SIZE = 64 * 1024
HUGE_SIZE = 5 * GiB + 256 * MiB


@dataclass(frozen=True)
class Sizes:
    big: int
    small_count: int
    gcs_each: int

    @staticmethod
    def from_scale(scale: float) -> "Sizes":
        return Sizes(big=max(MiB, int(2 * GiB * scale) // 4096 * 4096),
                     small_count=max(10, round(5000 * scale)),
                     gcs_each=max(64 * 1024, int(GiB * scale / 64) // 4096 * 4096))


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    job: Job
    check_src: str  # rclone's spelling of the folder the result must equal
    data_bytes: int
    files: int
    fresh: bool = True  # destination emptied before each run
    per_tool_dst: bool = False  # each tool re-syncs the copy it made itself
    repeats: int | None = None  # None: JB_BENCH_REPEATS
    moves_data: bool = True  # False: nothing is copied, MiB/s means nothing

    def job_for(self, tool: str) -> Job:
        if not self.per_tool_dst:
            return self.job
        slug = tool.replace(" ", "-")
        return Job(self.job.op, self.job.src, Loc(self.job.dst.kind, self.job.dst.bucket, f"{slug}/"))


def random_file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        left = size
        while left:
            n = min(left, 8 * MiB)
            out.write(os.urandom(n))
            left -= n


def make_data(work: Path, sizes: Sizes, env: dict[str, str]) -> None:
    """Local sources in `work`, S3 sources in SRC_BUCKET (uploaded by s5cmd, untimed)."""
    random_file(work / "one" / "big.bin", sizes.big)
    for i in range(sizes.small_count):
        random_file(work / "small" / f"f-{i:05d}.bin", SMALL_SIZE)
    for i in range(64):
        random_file(work / "g64" / f"p-{i:02d}.bin", sizes.gcs_each)
    s5cmd(env, "mb", f"s3://{SRC_BUCKET}")
    s5cmd(env, "cp", str(work / "one" / "big.bin"), f"s3://{SRC_BUCKET}/one/")
    s5cmd(env, "cp", f"{work / 'g64'}/*", f"s3://{SRC_BUCKET}/g64/")


def scenarios(work: Path, sizes: Sizes) -> list[Scenario]:
    big = Loc("s3", SRC_BUCKET, "one/big.bin")
    small = Loc("local", path=f"{work / 'small'}/")
    src_one = f"demo-s3:{SRC_BUCKET}/one"
    small_bytes = sizes.small_count * SMALL_SIZE
    return [
        Scenario("1", f"1. one {sizes.big / MiB:.0f} MiB file, local -> S3",
                 Job("copy", Loc("local", path=str(work / "one" / "big.bin")), Loc("s3", DST_BUCKET, "out/")),
                 str(work / "one"), sizes.big, 1),
        Scenario("2", f"2. {sizes.small_count} files of 64 KiB, local -> S3 (sync)",
                 Job("sync", small, Loc("s3", DST_BUCKET, "small/")), str(work / "small"),
                 small_bytes, sizes.small_count),
        Scenario("3", f"3. {sizes.big / MiB:.0f} MiB, S3 bucket -> another bucket (same endpoint)",
                 Job("copy", big, Loc("s3", DST_BUCKET, "out/")), src_one, sizes.big, 1),
        Scenario("4", f"4. {64 * sizes.gcs_each / MiB:.0f} MiB in 64 files, S3 -> GCS",
                 Job("copy", Loc("s3", SRC_BUCKET, "g64/"), Loc("gcs", GCS_BUCKET, "g64/")),
                 f"demo-s3:{SRC_BUCKET}/g64", 64 * sizes.gcs_each, 64),
        Scenario("5", f"5. one {sizes.big / MiB:.0f} MiB object, S3 -> local",
                 Job("copy", big, Loc("local", path=f"{work / 'out'}/")), src_one, sizes.big, 1),
        Scenario("6", f"6. sync of scenario 2 again, nothing changed ({sizes.small_count} files)",
                 Job("sync", small, Loc("s3", SYNC_BUCKET, "")), str(work / "small"),
                 small_bytes, sizes.small_count, fresh=False, per_tool_dst=True, moves_data=False),
    ]


def huge_scenario(work: Path, env: dict[str, str]) -> Scenario:
    """An object over 5 GiB (CopyObject's limit) copied server-side: we take UploadPartCopy."""
    path = work / "huge" / "huge.bin"
    random_file(path, HUGE_SIZE)
    s5cmd(env, "cp", str(path), f"s3://{SRC_BUCKET}/huge/")
    path.unlink()
    return Scenario("huge", f"H. one {HUGE_SIZE / GiB:.2f} GiB object, S3 -> another bucket (UploadPartCopy)",
                    Job("copy", Loc("s3", SRC_BUCKET, "huge/huge.bin"), Loc("s3", DST_BUCKET, "out/")),
                    f"demo-s3:{SRC_BUCKET}/huge", HUGE_SIZE, 1, repeats=1)
