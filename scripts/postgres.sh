#!/usr/bin/env bash
# A throwaway PostgreSQL server on a free loopback port, for the tests and the benchmark.
#   scripts/postgres.sh start DIR [--fast]   prints the server's URL; DIR holds data and log
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh halt DIR | resume DIR   stop the server keeping its data, start it again
#                                               on the same port (the outage journey)
# --fast turns off fsync (tests kill clients, never the power). The server refuses to run
# as root, so as root it runs as the `postgres` user. Debian's postgresql is installed when
# it is missing.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder for the server}
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
  if [ -z "$(bindir)" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  bin=$(bindir)
  mkdir -p "$dir"
  # The data lives where the postgres user can reach it (DIR's parents may be private):
  # in memory with --fast, else on disk under /tmp. DIR records where.
  base=/tmp
  [ "${3:-}" = "--fast" ] && [ -w /dev/shm ] && base=/dev/shm
  data=$(mktemp -d "$base/rollout-pg-XXXXXX")
  echo "$data" >"$dir/datadir"
  [ "$(id -u)" = 0 ] && chown postgres "$data"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Logins over TCP need the password (so a wrong one is refused, as on a real server);
  # it guards nothing but this throwaway server, which listens on loopback only.
  echo "rollout" >"$data/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$data/pwfile"
  as_pg "$bin/initdb" -D "$data/data" -U postgres --pwfile="$data/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log"
  opts="-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200"
  [ "${3:-}" = "--fast" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  echo "$opts" >"$dir/opts"
  as_pg "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -o "$opts" -w -s start >/dev/null
  echo "postgresql://postgres:rollout@127.0.0.1:$port/postgres"
  ;;
halt)
  as_pg "$(bindir)/pg_ctl" -D "$(cat "$dir/datadir")/data" -m immediate -w -s stop >/dev/null
  ;;
resume)
  data=$(cat "$dir/datadir")
  as_pg "$(bindir)/pg_ctl" -D "$data/data" -l "$data/server.log" -o "$(cat "$dir/opts")" -w -s start >/dev/null
  ;;
stop)
  if [ -f "$dir/datadir" ]; then
    data=$(cat "$dir/datadir")
    as_pg "$(bindir)/pg_ctl" -D "$data/data" -m immediate -w -s stop >/dev/null 2>&1 || true
    rm -rf "$data"
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop|halt|resume DIR [--fast]" >&2
  exit 2
  ;;
esac
