#!/usr/bin/env bash
# Builds every layer: native core + tests, the wasm module, the npm package (dist/) and the demo
# site (build/site). Incremental: reruns are fast.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

step() { printf '\n== %s\n' "$*"; }

if [ "${SKIP_NATIVE:-0}" != 1 ]; then
  step "native (core, tests, bench)"
  [ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j"$JOBS"
fi

step "wasm"
[ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$JOBS"

step "package (dist/): API, widgets for bundlers, one-tag embed bundle"
rm -rf dist
npx tsc -p tsconfig.lib.json                                  # API: .js + .d.ts
npx tsc -p tsconfig.widgets.json                              # widgets: .d.ts
mkdir -p dist/wasm
cp web/src/wasm/mathlens.mjs web/src/wasm/mathlens.wasm web/src/wasm/mathlens.d.mts dist/wasm/
MATHLENS_LIB=widgets npx vite build -c vite.lib.config.ts --logLevel warn   # dist/widgets/*.js
MATHLENS_LIB=embed npx vite build -c vite.lib.config.ts --logLevel warn     # dist/embed/

step "demo site (build/site, with the plain-HTML embed example under build/site/embed/)"
npx vite build --logLevel warn
mkdir -p build/site/embed
cp -r dist/embed/. build/site/embed/
cp web/embed/*.html build/site/embed/

step "API reference (TypeDoc → build/site/api)"
npx typedoc --logLevel Warn
echo "built: dist/ (package), build/site/ (demo, API reference under api/)"
