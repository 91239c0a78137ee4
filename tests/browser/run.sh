#!/bin/sh
# Browser tests of the web UI: tests/browser/run.sh <build-dir>
# Installs the npm dependencies if missing, then runs the node test files; the harness starts
# `gridscope run` and chromium itself. Screenshots go to $TEST_ARTIFACTS (default
# <build-dir>/test-artifacts). Exits non-zero on failure.
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 <build-dir>" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
GRIDSCOPE_BUILD=$(cd "$1" && pwd)
export GRIDSCOPE_BUILD
export TEST_ARTIFACTS="${TEST_ARTIFACTS:-$GRIDSCOPE_BUILD/test-artifacts}"
# the page's own libraries (uPlot), installed as the demo installs them
"$here/../../scripts/webroot-deps.sh"
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
exec node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=spec ./*.test.js
