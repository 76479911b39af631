"""Jupyter server for the UI tests: galata's settings, loopback only, no token."""

import json
import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)

configure_jupyter_server(c)

c.ServerApp.ip = "127.0.0.1"
# Same default as playwright.config.js; not 8888 so that a running demo is never reused.
c.ServerApp.port = int(os.environ.get("JB_UI_PORT", "8898"))
c.ServerApp.allow_root = True
# Keep the test report readable: galata's own requests log 404 warnings by the dozen.
c.ServerApp.log_level = "ERROR"
c.LabApp.log_level = "ERROR"
# Transfer jobs keep a journal under $XDG_STATE_HOME: a fresh one per test run
# (a temporary folder, like galata's root), so jobs of earlier runs, whose
# servers are gone, are neither listed nor resumed, and ~/.local/state stays clean.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="jb-ui-state-")

# A hub admin's jupyter_buckets.json (README "For hub admins"): two remotes of
# its own on the test S3 server, one read-only, one writable only under the
# user's folder and purged; admin.spec.ts drives them. The credentials come
# from the harness's AWS profile, as a hub's would from its identity.
_admin = os.path.join(tempfile.mkdtemp(prefix="jb-ui-admin-"), "jupyter_buckets.json")
with open(_admin, "w") as _f:
    json.dump(
        {
            "remotes": {
                "hub-pubs": {
                    "provider": "s3",
                    "endpoint": os.environ.get("JB_TEST_S3_ENDPOINT", "http://127.0.0.1:1"),
                    "profile": "demo-s3",
                    "readOnly": True,
                    "bookmarks": ["climate-data/"],
                },
                "hub-persistent": {
                    "provider": "s3",
                    "endpoint": os.environ.get("JB_TEST_S3_ENDPOINT", "http://127.0.0.1:1"),
                    "profile": "demo-s3",
                    "writablePrefixes": ["climate-data/ui-admin/{username}/"],
                    "purgeAfterDays": 7,
                    "bookmarks": ["climate-data/ui-admin/{username}/"],
                },
            }
        },
        _f,
    )
os.environ["JUPYTER_BUCKETS_CONFIG"] = _admin
