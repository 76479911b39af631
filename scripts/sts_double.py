"""A local double of Google's Storage Transfer Service, for tests and the demo.

There is no emulator of this service. This double takes every request to the
service's REST API and checks it against the service's published API
description (the discovery document shipped with Google's API client for
Python, googleapiclient/discovery_cache/documents/storagetransfer.v1.json):
the method and path of a declared method, the pattern of its path
parameters, its declared and required query parameters, a bearer token, and
the request body against the method's schema (every property declared, of
its type, enum and format). A request that does not conform gets 400 and is
recorded (GET /__double/violations lists them: a test asserts none). Its own
answers are checked against the response schemas too.

It then does what the service would, on the local servers: a job's run lists
the source (an awsS3DataSource is read from $JB_STS_DOUBLE_S3_ENDPOINT with
the access key the job carries, standing in for AWS; a gcsDataSource from
fake-gcs-server) and copies each object into the gcsDataSink on
fake-gcs-server ($JB_STS_DOUBLE_GCS_ENDPOINT), with the operation's counters
growing, cancel honoured, and status SUCCESS, FAILED or ABORTED at the end.

    python scripts/sts_double.py --port 0   # prints its URL, serves until stdin closes
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def discovery_document() -> dict[str, Any]:
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "storagetransfer.v1.json"
    return json.loads(path.read_text())


DOC = discovery_document()
SCHEMAS: dict[str, Any] = DOC["schemas"]
GLOBAL_PARAMETERS: dict[str, Any] = DOC.get("parameters", {})


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- the API description -------------------------------------------------------


class Method:
    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        self.name = name
        self.spec = spec
        self.http = spec["httpMethod"]
        self.params: dict[str, Any] = spec.get("parameters", {})
        # flatPath "v1/transferJobs/{transferJobsId}:run" -> a regex; the path's
        # own template "v1/{+jobName}:run" names the parameter it fills.
        flat = spec.get("flatPath", spec["path"])
        self.pattern = re.compile("^/" + re.sub(r"\\\{[^}]+\\\}", "([^/:]+)", re.escape(flat)) + "$")
        self.path_params = [p for p, v in self.params.items() if v.get("location") == "path"]

    def path_values(self, path: str) -> dict[str, str] | None:
        match = self.pattern.match(path)
        if not match:
            return None
        template = self.spec["path"]
        # Fill the path template's parameter from the matched flat path.
        values: dict[str, str] = {}
        for param in self.path_params:
            # "{+jobName}" spans the flat path's fixed parts and its variables.
            prefix, _, suffix = template.partition("{+" + param + "}")
            if not _:
                prefix, _, suffix = template.partition("{" + param + "}")
            value = path[1 + len(prefix) : len(path) - len(suffix) if suffix else None]
            values[param] = urllib.parse.unquote(value)
        return values


def methods() -> list[Method]:
    found: list[Method] = []

    def walk(resources: dict[str, Any], prefix: str) -> None:
        for name, resource in resources.items():
            for method, spec in resource.get("methods", {}).items():
                found.append(Method(f"{prefix}{name}.{method}", spec))
            walk(resource.get("resources", {}), f"{prefix}{name}.")

    walk(DOC["resources"], "")
    return found


METHODS = methods()


def schema_problems(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    """What in `value` does not conform to `schema` (a discovery-document schema)."""
    if "$ref" in schema:
        return schema_problems(value, SCHEMAS[schema["$ref"]], where)
    kind = schema.get("type")
    problems: list[str] = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                problems += schema_problems(item, properties[key], f"{where}.{key}")
            elif extra is not None:
                problems += schema_problems(item, extra, f"{where}.{key}")
            elif properties is not None:
                problems.append(f"{where}.{key}: not a field of {schema.get('id', 'this object')}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        for i, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{where}[{i}]")
        return problems
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of {schema['enum']}"]
        if schema.get("format") in ("int64", "uint64") and not re.fullmatch(r"-?\d+", value):
            return [f"{where}: {value!r} is not an int64 in a string"]
        if schema.get("format") == "google-datetime" and not re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", value):
            return [f"{where}: {value!r} is not an RFC 3339 UTC time"]
        return []
    if kind == "integer":
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: expected an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected true or false"]
    if kind == "number":
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{where}: expected a number"]
    return []  # "any"


# --- what the service does ----------------------------------------------------


class Store:
    def __init__(self, s3_endpoint: str, gcs_endpoint: str) -> None:
        self.s3_endpoint = s3_endpoint
        self.gcs_endpoint = gcs_endpoint
        self.lock = threading.Lock()
        self.jobs: dict[str, dict[str, Any]] = {}
        self.operations: dict[str, dict[str, Any]] = {}
        self.cancelled: set[str] = set()
        self.violations: list[str] = []
        self.requests: list[dict[str, Any]] = []
        # Seconds between two objects copied (a test's cancel needs time).
        self.delay = 0.0

    # Sources, as the service reads them.
    def _s3(self, key: dict[str, Any]):  # type: ignore[no-untyped-def]
        import botocore.session

        return botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.s3_endpoint,
            aws_access_key_id=key.get("accessKeyId"),
            aws_secret_access_key=key.get("secretAccessKey"),
            region_name="us-east-1",
        )

    def source_objects(self, spec: dict[str, Any]) -> list[tuple[str, int, Any]]:
        """(key, size, reader) of every object the job's source has under its path."""
        if "awsS3DataSource" in spec or "awsS3CompatibleDataSource" in spec:
            if "awsS3DataSource" in spec:
                source = spec["awsS3DataSource"]
                key = source.get("awsAccessKey", {})
            else:
                # Read by the pool's agents, which hold the store's keys themselves.
                source = spec["awsS3CompatibleDataSource"]
                key = {"accessKeyId": os.environ.get("JB_STS_DOUBLE_AGENT_KEY"),
                       "secretAccessKey": os.environ.get("JB_STS_DOUBLE_AGENT_SECRET")}
            client = self._s3(key)
            prefix = source.get("path", "")
            found = []
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=source["bucketName"], Prefix=prefix):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    found.append((key[len(prefix) :], item["Size"], lambda k=key: client.get_object(Bucket=source["bucketName"], Key=k)["Body"].read()))
            return found
        source = spec["gcsDataSource"]
        prefix = source.get("path", "")
        base = f"{self.gcs_endpoint}/storage/v1/b/{source['bucketName']}/o"
        listing = json.load(urllib.request.urlopen(f"{base}?prefix={urllib.parse.quote(prefix)}", timeout=60))
        return [
            (item["name"][len(prefix) :], int(item["size"]),
             lambda n=item["name"]: urllib.request.urlopen(f"{base}/{urllib.parse.quote(n, safe='')}?alt=media", timeout=300).read())
            for item in listing.get("items", [])
        ]

    def put_sink(self, sink: dict[str, Any], name: str, data: bytes) -> None:
        url = (f"{self.gcs_endpoint}/upload/storage/v1/b/{sink['bucketName']}/o?"
               + urllib.parse.urlencode({"uploadType": "media", "name": sink.get("path", "") + name}))
        request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/octet-stream"})
        urllib.request.urlopen(request, timeout=300).read()

    def run(self, operation: dict[str, Any], spec: dict[str, Any]) -> None:
        metadata = operation["metadata"]
        counters = metadata["counters"]
        name = operation["name"]
        try:
            objects = self.source_objects(spec)
            include = spec.get("objectConditions", {}).get("includePrefixes")
            if include:
                objects = [o for o in objects if any(o[0].startswith(p) for p in include)]
            with self.lock:
                counters["objectsFoundFromSource"] = str(len(objects))
                counters["bytesFoundFromSource"] = str(sum(size for _, size, _ in objects))
                metadata["status"] = "IN_PROGRESS"
            for key, size, read in objects:
                if name in self.cancelled:
                    break
                self.put_sink(spec["gcsDataSink"], key, read())
                with self.lock:
                    counters["objectsCopiedToSink"] = str(int(counters.get("objectsCopiedToSink", "0")) + 1)
                    counters["bytesCopiedToSink"] = str(int(counters.get("bytesCopiedToSink", "0")) + size)
                time.sleep(self.delay)
            status = "ABORTED" if name in self.cancelled else "SUCCESS"
        except Exception as error:  # noqa: BLE001 - the operation fails, as the service's would
            metadata["errorBreakdowns"] = [{"errorCode": "UNKNOWN", "errorCount": "1",
                                            "errorLogEntries": [{"url": "source", "errorDetails": [str(error)[:300]]}]}]
            status = "FAILED"
        with self.lock:
            metadata["status"] = status
            metadata["endTime"] = now()
            operation["done"] = True


class Handler(BaseHTTPRequestHandler):
    store: Store

    def log_message(self, *_args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: Any, schema: str | None = None) -> None:
        if schema:
            problems = schema_problems(body, {"$ref": schema}, schema)
            if problems:
                self.store.violations.append(f"the double's own {schema}: {problems}")
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self, problems: list[str], status: int = 400) -> None:
        self.store.violations.extend(f"{self.command} {self.path}: {p}" for p in problems)
        self._answer(status, {"error": {"code": status, "message": "; ".join(problems),
                                        "status": "INVALID_ARGUMENT" if status == 400 else "NOT_FOUND"}})

    def _handle(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        # The double's own controls (not the service's): what it saw, and its pace.
        if url.path == "/__double/violations":
            if self.command == "DELETE":
                self.store.violations.clear()
                self.store.requests.clear()
            self._answer(200, {"violations": self.store.violations, "requests": self.store.requests})
            return
        if url.path == "/__double/settings" and self.command == "POST":
            settings = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            self.store.delay = float(settings.get("delay", 0))
            self._answer(200, {"delay": self.store.delay})
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        found = [(m, values) for m in METHODS if (values := m.path_values(url.path)) is not None]
        method = next(((m, v) for m, v in found if m.http == self.command), None)
        if method is None:
            self._refuse([f"no method of storagetransfer v1 is {self.command} {url.path}"], 404 if not found else 400)
            return
        spec, values = method
        problems: list[str] = []
        if not re.fullmatch(r"Bearer \S+", self.headers.get("Authorization", "")):
            problems.append("no bearer token (Authorization: Bearer ...)")
        query = urllib.parse.parse_qs(url.query)
        for name in query:
            if name not in spec.params and name not in GLOBAL_PARAMETERS:
                problems.append(f"query parameter {name!r} is not one of {spec.name}'s")
        for name, param in spec.params.items():
            if param.get("location") == "query" and param.get("required") and name not in query:
                problems.append(f"{spec.name} requires the query parameter {name!r}")
            if param.get("location") == "path" and "pattern" in param and not re.match(param["pattern"], values.get(name, "")):
                problems.append(f"path parameter {name}={values.get(name)!r} does not match {param['pattern']}")
        body: Any = None
        if "request" in spec.spec:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                problems.append("the body is not JSON")
            else:
                if body is None:
                    problems.append(f"{spec.name} takes a {spec.spec['request']['$ref']} body")
                else:
                    problems += schema_problems(body, spec.spec["request"], spec.spec["request"]["$ref"])
        elif raw:
            problems.append(f"{spec.name} takes no body")
        if problems:
            self._refuse(problems)
            return
        self.store.requests.append({"method": spec.name, "params": values, "query": query})
        self._serve(spec.name, values, query, body)

    def _serve(self, name: str, values: dict[str, str], query: dict[str, list[str]], body: Any) -> None:
        store = self.store
        if name == "transferJobs.create":
            transfer = body.get("transferSpec", {})
            sources = [k for k in transfer if k.endswith("DataSource")]
            problems = []
            if not body.get("projectId"):
                problems.append("a transfer job needs projectId")
            if len(sources) != 1:
                problems.append(f"a transfer spec has exactly one data source, not {sources}")
            if "gcsDataSink" not in transfer:
                problems.append("this double takes gcsDataSink sinks only")
            if "awsS3CompatibleDataSource" in transfer and not transfer.get("sourceAgentPoolName"):
                problems.append("an S3-compatible source needs sourceAgentPoolName")
            if problems:
                self._refuse(problems)
                return
            with store.lock:
                job = {**body, "name": body.get("name") or f"transferJobs/{len(store.jobs) + 1:06d}",
                       "creationTime": now(), "lastModificationTime": now()}
                job["status"] = body.get("status", "ENABLED")
                # Input-only fields are never answered.
                answered = json.loads(json.dumps(job))
                for source in ("awsS3DataSource",):
                    answered.get("transferSpec", {}).get(source, {}).pop("awsAccessKey", None)
                store.jobs[job["name"]] = job
            self._answer(200, answered, "TransferJob")
        elif name == "transferJobs.run":
            job = store.jobs.get(values["jobName"])
            if job is None or job.get("projectId") != body.get("projectId"):
                self._refuse([f"no transfer job {values['jobName']} in project {body.get('projectId')}"], 404)
                return
            with store.lock:
                op_name = f"transferOperations/{values['jobName'].replace('/', '-')}-{len(store.operations) + 1}"
                public_spec = json.loads(json.dumps(job["transferSpec"]))
                public_spec.get("awsS3DataSource", {}).pop("awsAccessKey", None)
                operation = {
                    "name": op_name,
                    "done": False,
                    "metadata": {
                        "@type": "type.googleapis.com/google.storagetransfer.v1.TransferOperation",
                        "name": op_name, "projectId": job["projectId"], "transferJobName": job["name"],
                        "transferSpec": public_spec, "status": "QUEUED", "startTime": now(), "counters": {},
                    },
                }
                store.operations[op_name] = operation
            threading.Thread(target=store.run, args=(operation, job["transferSpec"]), daemon=True).start()
            self._answer(200, operation, "Operation")
        elif name == "transferOperations.get":
            operation = store.operations.get(values["name"])
            if operation is None:
                self._refuse([f"no operation {values['name']}"], 404)
                return
            with store.lock:
                answer = json.loads(json.dumps(operation))
            # metadata is a google.protobuf.Any: its "@type" names the message.
            message = {k: v for k, v in answer["metadata"].items() if k != "@type"}
            problems = schema_problems(message, {"$ref": "TransferOperation"}, "TransferOperation")
            if problems:
                store.violations.append(f"the double's own TransferOperation: {problems}")
            self._answer(200, answer, "Operation")
        elif name == "transferOperations.cancel":
            if values["name"] not in store.operations:
                self._refuse([f"no operation {values['name']}"], 404)
                return
            store.cancelled.add(values["name"])
            self._answer(200, {}, "Empty")
        elif name == "transferJobs.patch":
            job = store.jobs.get(values["jobName"])
            if job is None:
                self._refuse([f"no transfer job {values['jobName']}"], 404)
                return
            with store.lock:
                job.update(body.get("transferJob", {}))
                job["lastModificationTime"] = now()
                answered = json.loads(json.dumps(job))
                answered.get("transferSpec", {}).get("awsS3DataSource", {}).pop("awsAccessKey", None)
            self._answer(200, answered, "TransferJob")
        else:
            self._refuse([f"the double does not do {name}"], 404)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


def serve(port: int, s3_endpoint: str, gcs_endpoint: str) -> ThreadingHTTPServer:
    Handler.store = Store(s3_endpoint, gcs_endpoint)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = serve(args.port, os.environ["JB_STS_DOUBLE_S3_ENDPOINT"], os.environ["JB_STS_DOUBLE_GCS_ENDPOINT"])
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
