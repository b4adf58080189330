#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: trust auth, 127.0.0.1 only, data under /tmp.
#
#   scripts/test-postgres.sh start    installs PostgreSQL from Debian when missing (root), then starts
#                                     the server, or reuses one already answering on the port
#   scripts/test-postgres.sh status   exit 0 when a server answers on the port
#   scripts/test-postgres.sh stop     stops the server of this data folder (never another one)
#   scripts/test-postgres.sh url      prints the admin URL to use as TEST_DATABASE_URL
#
# PGTEST_ROOT (default /tmp/pg-test) and PGTEST_PORT (default 55432) move it elsewhere.
set -euo pipefail

root_dir=${PGTEST_ROOT:-/tmp/pg-test}
port=${PGTEST_PORT:-55432}
data_dir="$root_dir/data"
admin_url="postgres://postgres@127.0.0.1:$port/postgres"

say() { echo "test-postgres: $*" >&2; }

find_pgbin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ] && [ -x "$dir/postgres" ]; then echo "$dir"; fi
}

install_postgres() {
  if [ "$(id -u)" != 0 ]; then
    say "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
    exit 1
  fi
  say "installing PostgreSQL from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# initdb and pg_ctl refuse to run as root; the data folder belongs to the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

answers() {
  local pgbin=$1
  [ -n "$pgbin" ] || return 1
  # Bounded: something else on the port (an HTTP server, say) would otherwise keep psql waiting.
  PGCONNECT_TIMEOUT=5 timeout 10 "$pgbin/psql" "$admin_url" -AtqX -c 'select 1' >/dev/null 2>&1
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

init_data_dir() {
  local pgbin=$1
  rm -rf "$data_dir"
  mkdir -p "$root_dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$root_dir"; fi
  as_postgres "$pgbin/initdb" -D "$data_dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
}

start_server() {
  local pgbin=$1
  # Durability is pointless for throwaway test databases; turning it off makes the suite faster.
  # Every test worker holds its own pools, hence more connections than the default 100.
  local settings="-c listen_addresses=127.0.0.1 -p $port -k $root_dir -c max_connections=300"
  settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_postgres "$pgbin/pg_ctl" -D "$data_dir" -l "$root_dir/log" -w -t 60 -o "$settings" start >/dev/null
}

cmd_start() {
  local pgbin
  pgbin=$(find_pgbin)
  if [ -z "$pgbin" ]; then
    install_postgres
    pgbin=$(find_pgbin)
  fi
  if answers "$pgbin"; then
    say "reusing the server already answering on 127.0.0.1:$port"
    return 0
  fi
  # A server of this data folder that is up but does not answer is a leftover: restart it.
  if [ -f "$data_dir/postmaster.pid" ] && as_postgres "$pgbin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    say "restarting the unresponsive server of $data_dir"
    as_postgres "$pgbin/pg_ctl" -D "$data_dir" -m immediate -w -t 10 stop >/dev/null || true
  fi
  if port_taken; then
    say "127.0.0.1:$port is taken by something that is not a trusting PostgreSQL; set PGTEST_PORT"
    exit 1
  fi
  mkdir -p "$root_dir"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$root_dir"; fi
  # A data folder from another major version, or a half-made one, is started afresh.
  if [ "$(cat "$data_dir/PG_VERSION" 2>/dev/null || true)" != "$("$pgbin/postgres" -V | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')" ]; then
    init_data_dir "$pgbin"
  fi
  if ! start_server "$pgbin"; then
    say "the existing data folder would not start; making a new one"
    init_data_dir "$pgbin"
    start_server "$pgbin"
  fi
  say "PostgreSQL $("$pgbin/postgres" -V | awk '{print $3}') is up on 127.0.0.1:$port (data in $data_dir)"
}

cmd_stop() {
  local pgbin
  pgbin=$(find_pgbin)
  if [ -n "$pgbin" ] && [ -f "$data_dir/postmaster.pid" ] &&
    as_postgres "$pgbin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    as_postgres "$pgbin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
    say "stopped the server of $data_dir"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) answers "$(find_pgbin)" ;;
  url) echo "$admin_url" ;;
  *)
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
    ;;
esac
