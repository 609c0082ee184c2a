#!/bin/sh
# `npm run demo`: from a fresh clone to a simulated meeting recorded end to end.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
exec node dist/src/cli/main.js demo "$@"
