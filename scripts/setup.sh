#!/bin/sh
# Installs what Quorum needs on a fresh Debian machine: Node packages, and Debian's Chromium (plus, with
# --test, ffmpeg, which the tests use to decode recordings). Safe to run again: it skips what is there.
set -eu
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
if [ "$want_test" = 1 ]; then
  command -v ffmpeg >/dev/null 2>&1 || missing="$missing ffmpeg"
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: missing$missing; install with: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing Node packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src providers test/sim -name '*.ts' -newer dist/src/cli/main.js 2>/dev/null | head -1)" ]; then
  echo "setup: building"
  npx tsc -p tsconfig.build.json
fi
