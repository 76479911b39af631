"""The transfer scenarios of issues 5 and 10 and their data: what is copied
where, how many bytes, and the folder a byte-for-byte check compares the
result with.

 1-6  issue 5: local -> S3 (one big file; 5,000 small files, synced), S3 ->
      S3 (server-side), S3 -> GCS (64 files), S3 -> local, a re-sync
 7    GCS -> S3, the 64-file folder (1 GiB)
 8    GCS -> local, one 2 GiB object (seeded just before, deleted after:
      fake-gcs-server keeps objects in memory)
 9    a Zarr-like folder, 20,000 files of 16 KiB, local -> S3
 10   the same folder, S3 -> GCS. fake-gcs-server's uploads slow down with
      the objects already in the bucket (measured here: 1,000 uploads took
      0.9 s into an empty bucket, 7.4 s into one of 7,000), so at scale 1
      this measures the emulator about as much as the tools

Sizes and counts scale with JB_BENCH_SCALE (1 = the issues' sizes, 0.05 = a
smoke run). JB_BENCH_HUGE=1 adds two scenarios that are never scaled: a
server-side copy of an object over 5 GiB (it exists to take the
UploadPartCopy path) and a 20 GiB local -> S3 upload (our peak RSS must not
grow with the file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tools import Job, Loc, gcs_bucket, gcs_upload, rclone, s5cmd

MiB = 1024 * 1024
GiB = 1024 * MiB
SRC_BUCKET = "jb-bench-src"
DST_BUCKET = "jb-bench-dst"
SYNC_BUCKET = "jb-bench-sync"
GCS_BUCKET = "jb-bench-gcs"  # a destination: emptied before every run
GCS_SRC_BUCKET = "jb-bench-gcs-src"  # sources only: never emptied by a reset
SMALL_SIZE = 64 * 1024
ZARR_CHUNK = 16 * 1024
HUGE_SIZE = 5 * GiB + 256 * MiB
HUGE_UPLOAD_SIZE = 20 * GiB


@dataclass(frozen=True)
class Sizes:
    big: int
    small_count: int
    gcs_each: int
    zarr_count: int

    @staticmethod
    def from_scale(scale: float) -> "Sizes":
        return Sizes(big=max(MiB, int(2 * GiB * scale) // 4096 * 4096),
                     small_count=max(10, round(5000 * scale)),
                     gcs_each=max(64 * 1024, int(GiB * scale / 64) // 4096 * 4096),
                     zarr_count=max(10, round(20_000 * scale)))


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
    # Untimed, before the first run and after the last: for a source too big
    # to keep for the whole bench (on disk, or in fake-gcs-server's memory).
    setup: Callable[[], None] | None = None
    teardown: Callable[[], None] | None = None

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


def zarr_name(i: int) -> str:
    """Chunk keys as Zarr v2 writes them for a 2-D array: row.column, one folder."""
    return f"{i // 100}.{i % 100}"


def make_data(work: Path, sizes: Sizes, env: dict[str, str]) -> None:
    """Local sources in `work`; S3 sources in SRC_BUCKET (uploaded by s5cmd) and
    GCS ones in GCS_SRC_BUCKET (one request per file), all untimed."""
    random_file(work / "one" / "big.bin", sizes.big)
    for i in range(sizes.small_count):
        random_file(work / "small" / f"f-{i:05d}.bin", SMALL_SIZE)
    for i in range(64):
        random_file(work / "g64" / f"p-{i:02d}.bin", sizes.gcs_each)
    for i in range(sizes.zarr_count):
        random_file(work / "zarr" / zarr_name(i), ZARR_CHUNK)
    s5cmd(env, "mb", f"s3://{SRC_BUCKET}")
    s5cmd(env, "cp", str(work / "one" / "big.bin"), f"s3://{SRC_BUCKET}/one/")
    s5cmd(env, "cp", f"{work / 'g64'}/*", f"s3://{SRC_BUCKET}/g64/")
    s5cmd(env, "cp", f"{work / 'zarr'}/*", f"s3://{SRC_BUCKET}/zarr/")
    gcs_bucket(GCS_SRC_BUCKET, make=True)
    for path in sorted((work / "g64").iterdir()):
        gcs_upload(GCS_SRC_BUCKET, f"g64/{path.name}", path)


def gcs_big_object(work: Path, env: dict[str, str]) -> tuple[Callable[[], None], Callable[[], None]]:
    """Seed and drop the big file as one GCS object, around the scenario that reads it."""
    def seed() -> None:
        gcs_upload(GCS_SRC_BUCKET, "one/big.bin", work / "one" / "big.bin")

    def drop() -> None:
        rclone(env, "delete", f"demo-gcs:{GCS_SRC_BUCKET}/one")

    return seed, drop


def scenarios(work: Path, sizes: Sizes, env: dict[str, str]) -> list[Scenario]:
    big = Loc("s3", SRC_BUCKET, "one/big.bin")
    small = Loc("local", path=f"{work / 'small'}/")
    zarr = Loc("local", path=f"{work / 'zarr'}/")
    src_one = f"demo-s3:{SRC_BUCKET}/one"
    small_bytes = sizes.small_count * SMALL_SIZE
    zarr_bytes = sizes.zarr_count * ZARR_CHUNK
    g64_mib = 64 * sizes.gcs_each / MiB
    seed_big, drop_big = gcs_big_object(work, env)
    return [
        Scenario("1", f"1. one {sizes.big / MiB:.0f} MiB file, local -> S3",
                 Job("copy", Loc("local", path=str(work / "one" / "big.bin")), Loc("s3", DST_BUCKET, "out/")),
                 str(work / "one"), sizes.big, 1),
        Scenario("2", f"2. {sizes.small_count} files of 64 KiB, local -> S3 (sync)",
                 Job("sync", small, Loc("s3", DST_BUCKET, "small/")), str(work / "small"),
                 small_bytes, sizes.small_count),
        Scenario("3", f"3. {sizes.big / MiB:.0f} MiB, S3 bucket -> another bucket (same endpoint)",
                 Job("copy", big, Loc("s3", DST_BUCKET, "out/")), src_one, sizes.big, 1),
        Scenario("4", f"4. {g64_mib:.0f} MiB in 64 files, S3 -> GCS",
                 Job("copy", Loc("s3", SRC_BUCKET, "g64/"), Loc("gcs", GCS_BUCKET, "g64/")),
                 f"demo-s3:{SRC_BUCKET}/g64", 64 * sizes.gcs_each, 64),
        Scenario("5", f"5. one {sizes.big / MiB:.0f} MiB object, S3 -> local",
                 Job("copy", big, Loc("local", path=f"{work / 'out'}/")), src_one, sizes.big, 1),
        Scenario("6", f"6. sync of scenario 2 again, nothing changed ({sizes.small_count} files)",
                 Job("sync", small, Loc("s3", SYNC_BUCKET, "")), str(work / "small"),
                 small_bytes, sizes.small_count, fresh=False, per_tool_dst=True, moves_data=False),
        Scenario("7", f"7. {g64_mib:.0f} MiB in 64 files, GCS -> S3",
                 Job("copy", Loc("gcs", GCS_SRC_BUCKET, "g64/"), Loc("s3", DST_BUCKET, "g64/")),
                 str(work / "g64"), 64 * sizes.gcs_each, 64),
        Scenario("8", f"8. one {sizes.big / MiB:.0f} MiB object, GCS -> local",
                 Job("copy", Loc("gcs", GCS_SRC_BUCKET, "one/big.bin"), Loc("local", path=f"{work / 'out'}/")),
                 str(work / "one"), sizes.big, 1, setup=seed_big, teardown=drop_big),
        Scenario("9", f"9. Zarr-like folder, {sizes.zarr_count} files of 16 KiB, local -> S3",
                 Job("copy", zarr, Loc("s3", DST_BUCKET, "zarr/")), str(work / "zarr"),
                 zarr_bytes, sizes.zarr_count),
        Scenario("10", f"10. the Zarr-like folder ({sizes.zarr_count} files of 16 KiB), S3 -> GCS",
                 Job("copy", Loc("s3", SRC_BUCKET, "zarr/"), Loc("gcs", GCS_BUCKET, "zarr/")),
                 str(work / "zarr"), zarr_bytes, sizes.zarr_count,
                 # fake-gcs-server slows down as the bucket fills: one run each.
                 repeats=1),
    ]


def huge_copy_scenario(work: Path, env: dict[str, str]) -> Scenario:
    """An object over 5 GiB (CopyObject's limit) copied server-side: we take UploadPartCopy."""
    path = work / "huge" / "huge.bin"

    def seed() -> None:
        random_file(path, HUGE_SIZE)
        s5cmd(env, "cp", str(path), f"s3://{SRC_BUCKET}/huge/")
        path.unlink()

    return Scenario("huge", f"H. one {HUGE_SIZE / GiB:.2f} GiB object, S3 -> another bucket (UploadPartCopy)",
                    Job("copy", Loc("s3", SRC_BUCKET, "huge/huge.bin"), Loc("s3", DST_BUCKET, "out/")),
                    f"demo-s3:{SRC_BUCKET}/huge", HUGE_SIZE, 1, repeats=1, setup=seed)


def huge_upload_scenario(work: Path) -> Scenario:
    """A 20 GiB file, local -> S3: the multipart upload must stream, our peak RSS stay flat."""
    folder = work / "huge-up"
    path = folder / "huge-up.bin"
    return Scenario("huge-up", f"H2. one {HUGE_UPLOAD_SIZE / GiB:.0f} GiB file, local -> S3 (peak RSS must stay flat)",
                    Job("copy", Loc("local", path=str(path)), Loc("s3", DST_BUCKET, "out/")),
                    str(folder), HUGE_UPLOAD_SIZE, 1, repeats=1,
                    setup=lambda: random_file(path, HUGE_UPLOAD_SIZE), teardown=lambda: path.unlink(missing_ok=True))
