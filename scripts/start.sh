#!/usr/bin/env bash
# The main job: install what is missing, build everything, serve the demo site on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SKIP_NATIVE=1 bash scripts/build.sh
PORT=${PORT:-4173}
echo
echo "mathlens demo: http://127.0.0.1:${PORT}/"
exec npx vite preview --host 127.0.0.1 --port "$PORT" --strictPort
