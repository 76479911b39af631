#!/usr/bin/env bash
# The UI tests drive Debian's Chromium; browsers are never downloaded by a test
# tool. Install the Debian package when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  SUDO="sudo"
fi
echo "Installing Debian's chromium for the UI tests..."
# Wait for another apt (unattended upgrades, a parallel install) instead of failing.
LOCK_WAIT="-o DPkg::Lock::Timeout=600"
$SUDO apt-get $LOCK_WAIT update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get $LOCK_WAIT install -y -qq chromium >/dev/null
