#!/usr/bin/env bash
# Installs what gridscope needs on Debian 12 and is missing. Run as root.
#   scripts/setup.sh          build and run the demo
#   scripts/setup.sh --test   also everything the test suite and benchmarks use
# Then the web UI's third-party libraries (webroot/package.json: uPlot for Trends) go into
# webroot/node_modules with `npm ci`, where ui_web serves them; they are never in the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

runtime=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev libboost-filesystem-dev libyaml-cpp-dev libfmt-dev libhowardhinnant-date-dev tzdata
  libmodbus-dev librocksdb-dev libcivetweb-dev civetweb libsodium-dev libcurl4-openssl-dev
  nlohmann-json3-dev libxml2-dev libmosquitto-dev zlib1g-dev libzip-dev
  libprotobuf-c-dev protobuf-c-compiler
)
testing=(
  doctest-dev clang clang-format libclang-rt-14-dev
  python3 python3-pymodbus python3-serial python3-serial-asyncio mbpoll
  chromium libsqlite3-dev sqlite3 wrk curl ccache python3-pyftpdlib python3-openssl openssl
  mosquitto mosquitto-clients influxdb
)

wanted=("${runtime[@]}")
# npm installs the web UI's libraries (and the browser tests' driver); a node already on PATH
# will do.
command -v node > /dev/null && command -v npm > /dev/null || wanted+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  wanted+=("${testing[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
echo "setup: Debian packages OK"
"$root/scripts/webroot-deps.sh"
