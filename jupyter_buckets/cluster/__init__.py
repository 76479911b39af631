"""Copies larger than one machine: the shards of a job's plan on a Dask cluster.

The sidecar (or the CLI) plans a copy and splits it into shards (whole files,
and byte ranges of one multipart upload for big ones). `coordinator` is the
process it starts to hand them to the cluster the user already has; `shard`
is what runs on a worker: the same `jupyter-buckets` engine, on one shard.
"""
