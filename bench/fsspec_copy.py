"""The other way a Dask worker could copy a shard: Python, s3fs and gcsfs.

`python bench/fsspec_copy.py s3://bucket/prefix/ gs://bucket/prefix/` copies
every object under the S3 prefix into the GCS prefix, 8 at a time (each read
whole, then written: what `fs.cat_file` and `fs.pipe_file` do), against the
servers harness' SeaweedFS and fake-gcs-server. bench/cluster.py runs it
beside the engine to choose, by measurement, what the workers run.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor

from gcsfs.core import GCSFileSystem
import s3fs


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    s3 = s3fs.S3FileSystem(
        key=os.environ["JB_TEST_S3_ACCESS_KEY"],
        secret=os.environ["JB_TEST_S3_SECRET_KEY"],
        client_kwargs={"endpoint_url": os.environ["JB_TEST_S3_ENDPOINT"], "region_name": "us-east-1"},
    )
    # The plain JSON-API class: the default one first asks Google's gRPC control
    # plane what kind of bucket it is (a minute of timeouts at a local endpoint).
    gcs = GCSFileSystem(endpoint_url=os.environ["JB_TEST_GCS_ENDPOINT"], token="anon")
    keys = s3.find(src.removeprefix("s3://"))
    prefix = src.removeprefix("s3://")

    def copy(key: str) -> None:
        gcs.pipe_file(dst.removeprefix("gs://") + key[len(prefix):], s3.cat_file(key))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(copy, keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
