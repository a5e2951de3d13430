#!/usr/bin/env bash
# Every test: native GoogleTest (ctest), the wasm build, type checks, Vitest on the real wasm
# through the public API, the built package in plain Node ESM, and the browser tests in headless
# Chromium. Stops at the first failing stage.
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
