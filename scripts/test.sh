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
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.test-results.json "$@" || status=$?
# One plain closing line that any reader of the log understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".test-results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $status
