#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer harnesses tests/fuzz/<module>_fuzz.cpp with clang, ASan and UBSan
# (CMake option MATHLENS_FUZZ, build directory build/fuzz) and runs each for the given time.
#
#   bash scripts/fuzz.sh            # 600 s per target (the long run)
#   bash scripts/fuzz.sh 20         # a short timed run
#   FUZZ_RUNS=20000 FUZZ_SEED=1 bash scripts/fuzz.sh   # reproducible run of npm test
#   bash scripts/fuzz.sh 60 gaussian  # only targets whose name contains "gaussian"
#
# Each target keeps its corpus in build/fuzz/corpus/<target>/ (so runs build on each other) and also
# reads the committed seeds in tests/fuzz/corpus/<module>/ if there are any. A crash (ASan/UBSan
# report, failed Eigen assertion, any exception other than mathlens::Error, a NaN result, …) is
# saved under test-output/fuzz/<target>/ together with the command that reproduces it; turn it into
# a regression test in tests/native/<module>_test.cpp. Exit code 1 if any target crashed.
# Needs the Debian packages clang and libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-600}
# Reproducible mode (used by `npm test`): FUZZ_RUNS=N FUZZ_SEED=S runs exactly N inputs per target
# from seed S, so a green run here is green on every machine with the same compiler.
LIMIT=(-max_total_time="$SECONDS_PER_TARGET")
if [ -n "${FUZZ_RUNS:-}" ]; then
  LIMIT=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}")
  SECONDS_PER_TARGET="${FUZZ_RUNS} runs, seed ${FUZZ_SEED:-1},"
fi
FILTER=${2:-}
JOBS=${JOBS:-$(nproc)}
BUILD=build/fuzz

command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S . -B "$BUILD" -DMATHLENS_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" --target mathlens_fuzzers -j"$JOBS"

mapfile -t targets < <(find "$BUILD" -maxdepth 1 -name '*_fuzz' -type f -executable -printf '%f\n' | sort)
((${#targets[@]})) || { echo "fuzz: no harnesses in tests/fuzz/*_fuzz.cpp" >&2; exit 1; }

failed=()
ran=0
for t in "${targets[@]}"; do
  [[ -z "$FILTER" || "$t" == *"$FILTER"* ]] || continue
  module=${t%_fuzz}
  corpus="$BUILD/corpus/$t"
  artifacts="test-output/fuzz/$t"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [ -d "tests/fuzz/corpus/$module" ] && seeds=("tests/fuzz/corpus/$module")
  log="$artifacts/fuzz.log"
  printf '\n== %s: %s s\n' "$t" "$SECONDS_PER_TARGET"
  start=$(date +%s)
  stamp=$(mktemp)
  set +e
  # -rss_limit_mb: inputs are tiny (dimension ≤ 8), so a large RSS means a runaway allocation.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/$t" "$corpus" "${seeds[@]}" "${LIMIT[@]}" -max_len=2048 -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  code=$?
  set -e
  ran=$((ran + 1))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  echo "$t: exit $code after $(($(date +%s) - start)) s, $runs executions, coverage $cov edges, corpus $(find "$corpus" -type f | wc -l) inputs; log $log"
  if [ "$code" != 0 ]; then
    failed+=("$t")
    grep -m1 -E 'BUG:|ERROR: (AddressSanitizer|libFuzzer)|runtime error:|Assertion' "$log" || true
    find "$artifacts" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
      while read -r f; do
        echo "  reproduce: $BUILD/$t $f    (MATHLENS_FUZZ_TRACE=1 prints the decoded numbers)"
      done
  fi
  rm -f "$stamp"
done

((ran)) || { echo "fuzz: no target matches \"$FILTER\"" >&2; exit 1; }
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: $ran target(s) clean"
