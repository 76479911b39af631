"""Jupyter server for the UI tests: galata's settings, loopback only, no token."""

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
