#!/usr/bin/env bash
# Every test: native GoogleTest (ctest), the wasm build, type checks, the CLI and the package in
# plain Node ESM, Vitest on the real wasm through the public API, the browser tests in headless
# Chromium, the packaging test, then the native suite under ASan + UBSan and a short fuzz run.
# Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

printf '\n== native tests (ctest)\n'
ctest --test-dir build/native --output-on-failure -j"$(nproc)"

printf '\n== type check\n'
npx tsc -p tsconfig.json --noEmit

printf '\n== package in plain Node ESM\n'
node --test tests/node/

printf '\n== Vitest (wasm through the public API)\n'
npx vitest run

printf '\n== browser tests (headless Chromium)\n'
node tests/e2e/run.mjs

printf '\n== packaging: npm pack → fresh project → Node, Vite app, plain HTML page\n'
node tests/package/pack.mjs

printf '\n== native tests under AddressSanitizer + UndefinedBehaviorSanitizer\n'
bash scripts/sanitize.sh

printf '\n== fuzzing: a short, seeded run of every libFuzzer harness (scripts/fuzz.sh for long runs)\n'
rm -rf build/fuzz/corpus    # start from the committed seeds only, so the run is reproducible
FUZZ_RUNS=${FUZZ_RUNS:-10000} FUZZ_SEED=${FUZZ_SEED:-1} bash scripts/fuzz.sh

echo
echo 'npm test: every stage passed'
