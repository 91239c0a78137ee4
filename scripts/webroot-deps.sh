#!/usr/bin/env bash
# Installs the web UI's third-party libraries (webroot/package.json, pinned by
# webroot/package-lock.json: uPlot for the Trends and Consumption pages) into webroot/node_modules, where ui_web
# serves them from. Does nothing when they are there already. Called by scripts/setup.sh (so by
# scripts/demo.sh), tests/browser/run.sh and bench/ui/run.sh.
set -euo pipefail
webroot=$(cd "$(dirname "$0")/../webroot" && pwd)
if [ ! -f "$webroot/node_modules/uplot/dist/uPlot.esm.js" ]; then
  echo "webroot: npm ci (uPlot)"
  (cd "$webroot" && npm ci --no-audit --no-fund --loglevel=error)
fi
