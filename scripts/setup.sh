#!/usr/bin/env bash
# Installs what mathlens needs on a fresh Debian (bookworm) machine, and nothing twice:
# Debian packages (toolchains, Eigen, GoogleTest, Chromium, scipy for fixtures and the bench)
# and the npm packages pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake make g++ pkg-config            # native build
  libeigen3-dev                        # the linear algebra under everything
  libgtest-dev                         # native unit tests
  nlohmann-json3-dev                   # native tests read the JSON fixtures
  emscripten                           # C++ -> WebAssembly (3.1.6 in bookworm)
  chromium fonts-wqy-microhei          # browser tests (playwright-core); CJK glyphs in screenshots
  python3-numpy python3-scipy python3-mpmath   # independent reference values, bench comparison
  clang libclang-rt-14-dev             # libFuzzer harnesses (ASan + UBSan); the sanitizer run uses g++
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "setup: Node.js 20+ is required (apt-get install nodejs)" >&2; exit 1; }

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
