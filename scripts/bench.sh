#!/usr/bin/env bash
# `npm run bench`: builds what the benchmarks need and is missing or out of date (the native bench
# target, the wasm module, the npm package in dist/), then runs every scripts/bench/*.mjs in turn.
# Each prints a table and writes bench-output/<module>.json. Extra arguments go to every script
# (e.g. `npm run bench -- --dims 16,64 --no-scipy` for a quick run of the gaussian bench).
#   BENCH_NO_BUILD=1  use the artifacts as they are        JOBS=n  parallel build jobs (default nproc)
# A benchmark is not a test: a missed target is reported, not an error. The exit status is non-zero
# only when a build or a script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

step() { printf '== %s\n' "$*" >&2; }
warn() { printf 'bench: WARNING: %s\n' "$*" >&2; }

# Builds with "$@"; if that fails but an older artifact exists, warns and goes on with it (others may
# be mid-edit on files the bench does not need).
build_or_reuse() {
  local artifact=$1; shift
  if ! "$@" >&2; then
    [ -e "$artifact" ] || { echo "bench: build failed and $artifact does not exist" >&2; exit 1; }
    warn "build failed; benchmarking the existing $artifact (it may be stale)"
  fi
}

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  step "native bench (build/native, target mathlens_bench)"
  [ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/native/CMakeCache.txt)
  [ "$type" = Release ] || warn "build/native is configured as '$type', not Release: native times will be off"
  build_or_reuse build/native/mathlens_bench cmake --build build/native --target mathlens_bench -j"$JOBS"

  step "wasm (build/wasm -> web/src/wasm)"
  [ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  build_or_reuse web/src/wasm/mathlens.wasm cmake --build build/wasm --target mathlens_wasm -j"$JOBS"

  step "package (dist/)"
  # Rebuilt when missing or older than any source (TypeScript or the wasm files it ships).
  if [ ! -f dist/node.js ] || [ ! -f dist/wasm/mathlens.wasm ] ||
     [ -n "$(find web/src tsconfig.lib.json -newer dist/node.js -print -quit)" ] ||
     [ web/src/wasm/mathlens.wasm -nt dist/wasm/mathlens.wasm ] || [ web/src/wasm/mathlens.mjs -nt dist/wasm/mathlens.mjs ]; then
    build_or_reuse dist/node.js bash -c 'npx tsc -p tsconfig.lib.json && mkdir -p dist/wasm &&
      cp web/src/wasm/mathlens.mjs web/src/wasm/mathlens.wasm web/src/wasm/mathlens.d.mts dist/wasm/'
    echo "dist/ rebuilt" >&2
  else
    echo "dist/ up to date" >&2
  fi

  step "widgets and embed bundle (dist/widgets, dist/embed) for scripts/bench/size.mjs"
  # Rebuilt when missing or older than any source (web/src includes web/src/wasm).
  for lib in widgets embed; do
    marker=dist/$lib/index.js; [ "$lib" = embed ] && marker=dist/embed/mathlens-widgets.js
    if [ ! -f "$marker" ] || [ -n "$(find web/src vite.lib.config.ts -newer "$marker" -print -quit)" ]; then
      build_or_reuse "$marker" env MATHLENS_LIB=$lib npx vite build -c vite.lib.config.ts --logLevel warn
    fi
  done
fi

mkdir -p bench-output
status=0
for script in scripts/bench/*.mjs; do
  step "node $script $*"
  node "$script" "$@" || { echo "bench: $script failed" >&2; status=1; }
done
exit $status
