# Sourced first by the page benchmarks (trends.sh, consumption.sh; POSIX sh), with their
# arguments <build-dir> [runs] [data-dir] and $here (this folder) set. Sets $build, $runs,
# $repo, $keep (the data-dir made absolute; empty: none) and $work (a temporary folder, removed
# on exit after the site is stopped: start_site of site.sh, sourced here, sets $pid); installs
# the web page's npm dependencies.
set -eu
build=$(cd "${1:?usage: $0 <build-dir> [runs] [data-dir]}" && pwd)
runs=${2:-10}
keep=${3:-}
repo=$(cd "$here/../.." && pwd)
"$repo/scripts/webroot-deps.sh"
work=$(mktemp -d "/tmp/gs-bench-$(basename "$0" .sh).XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [ -n "$keep" ]; then mkdir -p "$keep"; keep=$(cd "$keep" && pwd); fi
. "$here/site.sh"
