#!/usr/bin/env bash
# Install everything into .venv at exactly the locked versions, then prepare the offline engine once.
# One command per line: under `set -e` a failure anywhere stops the script with its exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
# Team mode's engines, its OS sandbox and the browser the tests drive, from Debian (root only; without them those
# tests skip with one line saying what to install): PostgreSQL, Chromium, bubblewrap.
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then apt-get update -qq; fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq postgresql chromium bubblewrap util-linux > /dev/null; fi
python3 -m venv .venv
.venv/bin/pip install -qq --require-hashes --no-deps -r requirements.lock
.venv/bin/pip install -qq --no-deps --no-build-isolation -e .
# Bytecode for the package and what it imports (the environment sets PYTHONDONTWRITEBYTECODE=1); torch ships a
# Python 3.12-only test file that 3.11 cannot compile, so that folder is left out.
.venv/bin/python -m compileall -q -x 'torch/testing/_internal' .venv/lib interviewer
.venv/bin/interviewer index
