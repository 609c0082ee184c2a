#!/bin/sh
# Starts the services the scale-out tests use (PostgreSQL and Redis on loopback), installing them from
# Debian's packages when missing. Prints the URLs as `export` lines: `eval "$(sh scripts/services.sh)"`.
set -eu
log() { echo "services: $*" >&2; }

missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v pg_ctlcluster >/dev/null 2>&1 || missing="$missing postgresql"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing$missing"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    log "missing$missing; install with: sudo apt-get install -y$missing"
    exit 1
  fi
fi

if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  log "starting redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >&2
fi

cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  log "creating a PostgreSQL cluster"
  pg_createcluster 15 main >&2
  cluster="15 main"
fi
set -- $cluster
if ! pg_lsclusters -h | awk -v v="$1" -v n="$2" '$1==v && $2==n {print $4}' | grep -q online; then
  log "starting PostgreSQL $1/$2"
  pg_ctlcluster "$1" "$2" start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$1" -v n="$2" '$1==v && $2==n {print $3}')
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sh -c "$1"; fi; }
as_postgres "psql -p $port -tAc \"select 1 from pg_roles where rolname='quorum'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"create role quorum login createdb password 'quorum'\"" >&2
as_postgres "psql -p $port -tAc \"select 1 from pg_database where datname='quorum_test'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"create database quorum_test owner quorum\"" >&2

echo "export QUORUM_TEST_DATABASE_URL=postgres://quorum:quorum@127.0.0.1:$port/quorum_test"
echo "export QUORUM_TEST_REDIS_URL=redis://127.0.0.1:6379"
