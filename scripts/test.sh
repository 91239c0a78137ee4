#!/usr/bin/env bash
# The README's second command (and CI's): installs what is missing, builds, and runs every
# test twice: in a normal build and in an ASan+UBSan build (any sanitizer report fails).
# scripts/check-builds.sh proves the demo build needs no test-only package and each plugin
# builds alone. Builds use ccache when it is installed (scripts/build.sh).
#
# The build checks and the ASan+UBSan build run in the background at the lowest CPU priority
# (and the lowest best-effort I/O priority) while the normal tests run: many tests wait on
# servers, outages and timers, and the compiler takes the idle CPU instead (the tests keep theirs: nice 19 weighs 1.5 % of a normal
# process). Their output is printed when they end. Each phase prints its wall time and the CPU
# time of its commands, and a summary comes last (docs/performance.md, "CI time").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1
status=0
summary=()

# run_suite BUILD_DIR TIMEOUT [EXCLUDED_LABEL]: ctest, with the tests labelled "waits" (servers,
# outages, timers: a few seconds of CPU in a minute or two) in a second ctest beside the others,
# so that they do not hold the -j slots of the tests that compute. Fails if either fails.
run_suite() {
  local dir=$1 timeout=$2 excluded=${3:-} rc=0 waits
  local exclude=(-LE "waits${excluded:+|$excluded}") only=(-L waits)
  [ -n "$excluded" ] && only+=(-LE "$excluded")
  ctest --test-dir "$dir" "${only[@]}" -j 4 --timeout "$timeout" > "$dir.waits.log" 2>&1 &
  waits=$!
  ctest --test-dir "$dir" "${exclude[@]}" -j "$jobs" --timeout "$timeout" || rc=1
  wait "$waits" || rc=1
  echo "-- the tests labelled waits (run beside the others):"
  cat "$dir.waits.log"
  return $rc
}

# cpu_now: the CPU seconds (user + system) of this shell's finished children so far. `times`
# must run in this shell (in a $(...) subshell it would count that subshell's children).
times_file=$(mktemp)
children_cpu() {
  times > "$times_file"
  cpu_now=$(tail -1 "$times_file" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%.0f", s }')
}
phase_begin() {
  phase=$1
  phase_t0=$SECONDS
  children_cpu
  phase_cpu0=$cpu_now
  echo "== $phase"
}
# phase_end [note]: the phase's wall time, and the CPU time of what it ran in the foreground.
phase_end() {
  local line
  children_cpu
  line=$(printf '%-34s %5d s wall %6d s CPU  %s' "$phase" $((SECONDS - phase_t0)) \
    $((cpu_now - phase_cpu0)) "${1:-}")
  echo "   $line"
  summary+=("$line")
}

phase_begin "setup and format"
"$root/scripts/setup.sh" --test
"$root/scripts/check-format.sh"
phase_end

phase_begin "build (RelWithDebInfo)"
# BUILD_TESTING explicitly: scripts/demo.sh configures the same folder without tests.
"$root/scripts/build.sh" "$root/build" -DBUILD_TESTING=ON
phase_end

# In the background: the build checks, then the ASan+UBSan build (Debug, without the benchmark
# programs: they are not tests).
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
background_log="$root/build-asan.background.log"
(
  renice -n 19 -p $BASHPID > /dev/null || true
  if command -v ionice > /dev/null; then ionice -c 2 -n 7 -p $BASHPID || true; fi
  start=$SECONDS
  echo "== build checks (background)"
  "$root/scripts/check-builds.sh" || { echo "BUILD CHECKS FAILED"; exit 1; }
  echo "   build checks: $((SECONDS - start)) s wall"
  start=$SECONDS
  echo "== build (ASan+UBSan, background)"
  BUILD_TYPE=Debug "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_C_FLAGS="$san" \
    -DCMAKE_CXX_FLAGS="$san" -DGRIDSCOPE_SANITIZED=ON -DGRIDSCOPE_BENCHMARKS=OFF ||
    { echo "ASAN BUILD FAILED"; exit 1; }
  echo "   ASan+UBSan build: $((SECONDS - start)) s wall"
) > "$background_log" 2>&1 &
background=$!
background_t0=$SECONDS
children_cpu
background_cpu0=$cpu_now

phase_begin "tests"
run_suite "$root/build" 600 || status=1
children_cpu
tests_cpu=$((cpu_now - phase_cpu0))
phase_end "(the background builds ran beside them)"

phase_begin "wait for the background builds"
background_status=0
wait "$background" || background_status=$?
cat "$background_log"
phase_end
children_cpu
line=$(printf '%-34s %5d s wall %6d s CPU' "background: checks + ASan build" \
  $((SECONDS - background_t0)) $((cpu_now - background_cpu0 - tests_cpu)))
echo "   $line"
summary+=("$line")
if [ $background_status -ne 0 ]; then
  echo "the build checks or the ASan+UBSan build FAILED"
  status=1
else
  phase_begin "tests under ASan+UBSan"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
  # GCC 12's LeakSanitizer crashes at exit ("Tracer caught signal 11", a bogus DTLS range) when
  # the CLI has loaded every plugin library; not scanning thread-local storage as a root avoids
  # it (it can only add false leak reports, never hide one).
  export LSAN_OPTIONS=use_tls=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "$root/build-asan" 900 no-sanitizer || status=1
  phase_end
fi

echo "== time by phase (wall, and CPU of the phase's own commands)"
printf '   %s\n' "${summary[@]}"
if command -v ccache > /dev/null; then
  echo "== ccache"
  ccache -s | grep -Ei '^ *(hits|misses|cacheable)' || true
fi
[ $status -eq 0 ] && echo "all test suites passed" || echo "some tests FAILED"
exit $status
