#!/usr/bin/env bash
# Entry point of `npm start` and `npm test`. A fresh clone has neither the
# project's Node 24 (npm package `node`) nor its dependencies, and the system
# Node may be older, so this installs them first and then hands over to the
# TypeScript script under Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[conductor] installing npm dependencies (Node 24 included)"
  # `npm install --no-save` rather than `npm ci`: it installs exactly the
  # lockfile's versions too, but tolerates the lockfile's missing entries for
  # other platforms' optional binaries (buf, swc), which `npm ci` refuses.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
script="$1"
shift
exec node_modules/.bin/node "scripts/${script}.ts" "$@"
