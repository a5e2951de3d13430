#!/usr/bin/env bash
# The native test suite under AddressSanitizer + UndefinedBehaviorSanitizer (CMake option
# MATHLENS_SANITIZE, build directory build/asan). Built -O1 -g without NDEBUG, so Eigen's own
# assertions (index and shape checks) are on too. Any sanitizer report fails the run.
#
#   bash scripts/sanitize.sh                 # every test
#   bash scripts/sanitize.sh -R Gaussian     # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build/asan
JOBS=${JOBS:-$(nproc)}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DMATHLENS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
fi
start=$(date +%s)
cmake --build "$BUILD" --target mathlens_tests -j"$JOBS"
built=$(date +%s)

# halt_on_error/abort: the first report fails the test; detect_leaks: LeakSanitizer at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" "$@"
echo "sanitize: clean (build $((built - start)) s, tests $(($(date +%s) - built)) s)"
