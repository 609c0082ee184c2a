#!/bin/sh
# `npm test`: lint, type-check, then every test (unit, store, scheduler, browser and simulator suites).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh --test
echo "== lint"
npx eslint .
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
echo "== tests"
npx vitest run "$@"
