#!/usr/bin/env bash
# The whole lispmn test suite, as README.md's "Quick start" runs it and as CI (.ci/run) runs it.
#
#   usage: tools/run-tests.sh [--quick]          (as root on a fresh machine)
#
# 1. installs what is needed (tools/install-deps.sh; skipped with a note when not root);
# 2. builds and tests, each stage in its own build directory under build/ci-*:
#      default     all features auto                                  meson test
#      server      -Dnm=disabled -Dapplet=disabled                     meson test of the suites
#                  unit, fuzz-replay, conformance, i18n and lispmn-server (its daemons are
#                  the same code the other stages run every integration test on)
#      sanitizers  -Db_sanitize=address,undefined, any report fails    meson test --no-suite system
#      fuzz        CC=clang -Dfuzzing=true + ASan/UBSan: each libFuzzer target runs
#                  FUZZ_SECONDS (default 10) on a copy of its seed corpus; a crash fails
#    --quick runs the first two only, for local iteration.
#    The slow system tests: the roaming demo and the applet (meson suite 'system') run in
#    the default stage only; the NetworkManager test (nm) in default and sanitizers, since
#    it is the only test where lispmnd and nm-lispmn-service meet a real NetworkManager
#    (the server stage builds neither nm nor the applet);
# 3. prints a summary ending in one line "N passed, N failed" (tests that passed plus fuzz
#    targets that ran clean; tests and stages that failed) and exits 1 if anything failed.
#
# Environment: FUZZ_SECONDS (default 10), JOBS (parallel build and test jobs, default 2).
#
# Before the builds, stage "style" runs tools/check-style.sh on the C lines changed since
# STYLE_BASE (default HEAD^, the last commit); a failure counts as one failed.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
ROOT=$PWD

QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-tests: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
JOBS=${JOBS:-2}
START=$SECONDS

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

header() {
  echo
  echo "=================================================================="
  echo "== $*"
  echo "=================================================================="
}

# setup_build DIR ENV... -- MESON-ARGS...: configures DIR, reusing it when it was configured
# with exactly the same compiler and arguments before, else wiping it.
setup_build() {
  local dir=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local stamp="$dir/.run-tests-setup"
  local want="${envs[*]:-} | $*"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dir/build.ninja" ]; then
    echo "run-tests: reusing $dir (configured with: $want)"
    return 0
  fi
  local wipe=()
  [ -d "$dir/meson-private" ] && wipe=(--wipe)
  rm -f "$stamp"
  env "${envs[@]}" meson setup "${wipe[@]}" "$dir" "$@" || return 1
  echo "$want" > "$stamp"
}

# count_results DIR: sets OK FAILED SKIPPED from DIR/meson-logs/testlog.json.
count_results() {
  local log="$1/meson-logs/testlog.json"
  OK=0; FAILED=0; SKIPPED=0
  [ -f "$log" ] || return 0
  OK=$(grep -c '"result": "OK"' "$log" || true)
  SKIPPED=$(grep -c '"result": "SKIP"' "$log" || true)
  FAILED=$(grep -cE '"result": "(FAIL|ERROR|TIMEOUT|UNEXPECTEDPASS|INTERRUPT)"' "$log" || true)
}

# meson_stage NAME DIR ENV... -- MESON-ARGS... [-- TEST-ARGS...]: configure, build, meson test
# (with TEST-ARGS, e.g. --no-suite system).
meson_stage() {
  local name=$1 dir=$2; shift 2
  local envs=() setup_args=() test_args=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do setup_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  test_args=("$@")
  set -- "${setup_args[@]}"
  local t0=$SECONDS
  header "stage $name: build in $dir (${envs[*]:-} $*), then meson test"
  rm -f "$dir/meson-logs/testlog.json"
  if ! setup_build "$dir" "${envs[@]}" -- "$@" || ! env "${envs[@]}" ninja -C "$dir" -j "$JOBS"; then
    echo "run-tests: stage $name: the build FAILED"
    SUMMARY+=("$(printf '%-11s build FAILED' "$name")")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 0
  fi
  local rc=0
  env "${envs[@]}" meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$JOBS" \
    --timeout-multiplier 4 "${test_args[@]}" || rc=$?
  count_results "$dir"
  local note=""
  if [ $((OK + FAILED + SKIPPED)) -eq 0 ]; then
    note=" (no test ran: counted as a failure)"
    FAILED=1
  elif [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
    note=" (meson test exited $rc: counted as a failure)"
    FAILED=1
  fi
  SUMMARY+=("$(printf '%-11s %3d ok, %d failed, %d skipped, %ds%s' "$name" "$OK" "$FAILED" "$SKIPPED" $((SECONDS - t0)) "$note")")
  TOTAL_PASSED=$((TOTAL_PASSED + OK))
  TOTAL_FAILED=$((TOTAL_FAILED + FAILED))
}

# fuzz_stage DIR: builds the libFuzzer targets with clang + ASan/UBSan and runs each for
# FUZZ_SECONDS on a fresh copy of its seed corpus.
fuzz_stage() {
  local dir=$1 t0=$SECONDS
  header "stage fuzz: libFuzzer targets in $dir, ${FUZZ_SECONDS}s each"
  if ! command -v clang >/dev/null; then
    echo "run-tests: stage fuzz: clang is missing (tools/install-deps.sh installs it)"
    SUMMARY+=("$(printf '%-11s clang missing: FAILED' fuzz)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 0
  fi
  if ! setup_build "$dir" CC=clang -- -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
      || ! ninja -C "$dir" -j "$JOBS"; then
    echo "run-tests: stage fuzz: the build FAILED"
    SUMMARY+=("$(printf '%-11s build FAILED' fuzz)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 0
  fi
  local targets=() exe
  for exe in "$dir"/tests/fuzz/fuzz-*; do
    [ -f "$exe" ] && [ -x "$exe" ] && targets+=("$exe")
  done
  if [ ${#targets[@]} -eq 0 ]; then
    echo "run-tests: stage fuzz: no fuzz target was built"
    SUMMARY+=("$(printf '%-11s no target built: FAILED' fuzz)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    return 0
  fi
  local clean=0 crashed=0 details=()
  mkdir -p "$dir/fuzz-artifacts"
  for exe in "${targets[@]}"; do
    local name=${exe##*/fuzz-}
    local seeds="$dir/tests/fuzz/fuzz-seeds/$name" corpus="$dir/fuzz-corpus/$name"
    local log="$dir/fuzz-artifacts/$name.log"
    rm -f "$dir/fuzz-artifacts/$name-"*
    rm -rf "$corpus" && mkdir -p "$corpus"
    if [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ]; then
      cp "$seeds"/* "$corpus"/
    else
      echo "run-tests: fuzz-$name has no seeds in $seeds (are the vectors in ../shared/vectors?)"
      details+=("$name: no seeds")
      crashed=$((crashed + 1))
      continue
    fi
    echo "-- fuzz-$name: $(ls "$corpus" | wc -l) seeds, ${FUZZ_SECONDS}s"
    local rc=0
    "$exe" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=25 -rss_limit_mb=2560 \
      -artifact_prefix="$dir/fuzz-artifacts/$name-" "$corpus" > "$log" 2>&1 || rc=$?
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
      echo "   fuzz-$name: clean, ${execs:-?} executions"
      details+=("$name ${execs:-?} runs")
      clean=$((clean + 1))
    else
      echo "   fuzz-$name: FAILED (exit $rc) after ${execs:-?} executions; from its log ($log):"
      # From the first report line (ASan/UBSan/libFuzzer) on; else the end of the log.
      local first
      first=$(grep -n -m1 -E 'ERROR: |runtime error:|deadly signal|ALARM|out-of-memory|leak' "$log" | cut -d: -f1 || true)
      if [ -n "$first" ]; then
        tail -n "+$first" "$log" | head -40 | sed 's/^/   | /'
      else
        tail -40 "$log" | sed 's/^/   | /'
      fi
      local artifact
      for artifact in "$dir/fuzz-artifacts/$name-"*; do
        [ -f "$artifact" ] && echo "   crashing input: $artifact (reproduce: $exe $artifact)"
      done
      details+=("$name CRASHED")
      crashed=$((crashed + 1))
    fi
  done
  SUMMARY+=("$(printf '%-11s %d targets clean, %d failed, %ds (%s)' fuzz "$clean" "$crashed" $((SECONDS - t0)) "$(IFS=,; echo "${details[*]}" | sed 's/,/, /g')")")
  TOTAL_PASSED=$((TOTAL_PASSED + clean))
  TOTAL_FAILED=$((TOTAL_FAILED + crashed))
}

header "dependencies"
if [ "$(id -u)" = 0 ]; then
  if ! bash tools/install-deps.sh; then
    echo "run-tests: installing the dependencies FAILED"
    SUMMARY+=("$(printf '%-11s FAILED' deps)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
  fi
else
  echo "run-tests: not root, so not installing packages (run tools/install-deps.sh as root if the build misses something)"
fi

header "stage style: tools/check-style.sh ${STYLE_BASE:-HEAD^}"
if bash tools/check-style.sh ${STYLE_BASE:+"$STYLE_BASE"}; then
  SUMMARY+=("$(printf '%-11s ok' style)")
else
  SUMMARY+=("$(printf '%-11s FAILED (see its diff above)' style)")
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
fi

if [ ! -d "$ROOT/../shared/vectors" ]; then
  echo "run-tests: WARNING: $ROOT/../shared/vectors is missing: the tests that need the shared vectors will fail"
fi

# Sanitizer reports must fail the test that triggered them, never just scroll by.
SAN_ENV=(
  "ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:print_summary=1"
)

meson_stage default build/ci-default --
meson_stage server build/ci-server -- -Dnm=disabled -Dapplet=disabled -- \
  --suite unit --suite fuzz-replay --suite conformance --suite i18n --suite lispmn-server
if [ "$QUICK" = 0 ]; then
  meson_stage sanitizers build/ci-sanitizers "${SAN_ENV[@]}" -- \
    -Db_sanitize=address,undefined -Db_lundef=false -- --no-suite system
  export "${SAN_ENV[@]}"
  fuzz_stage build/ci-fuzz
else
  SUMMARY+=("$(printf '%-11s skipped (--quick)' sanitizers)" "$(printf '%-11s skipped (--quick)' fuzz)")
fi

header "summary"
for line in "${SUMMARY[@]}"; do
  echo "  $line"
done
echo "  total time: $((SECONDS - START))s"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
