# shellcheck shell=bash
# Sourced by .ci/run (and by developers: `. .ci/postgres.sh`): starts a
# throwaway PostgreSQL 15 server for the SQL appointment book's tests and
# exports WEBBTIDBOK_PG_DSN, which internal/pgtest reads.
#
# The server lives in a fresh temporary directory, listens on 127.0.0.1
# only (port WEBBTIDBOK_PG_PORT, default 54329, and a Unix socket in that
# directory), trades durability for speed (fsync off: the data is thrown
# away), and is stopped and removed when the sourcing shell exits. initdb
# refuses to run as root, so as root the server runs as the user postgres.

webbtidbok_pg_bin() {
  local dir
  for dir in "${WEBBTIDBOK_PG_BIN:-}" /usr/lib/postgresql/15/bin; do
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

# webbtidbok_pg_as runs a command as the server's owner: postgres when we
# are root, ourselves otherwise.
webbtidbok_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

webbtidbok_pg_stop() {
  if [ -n "${WEBBTIDBOK_PG_DIR:-}" ] && [ -d "$WEBBTIDBOK_PG_DIR" ]; then
    webbtidbok_pg_as "$WEBBTIDBOK_PG_BINDIR/pg_ctl" -D "$WEBBTIDBOK_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$WEBBTIDBOK_PG_DIR"
  fi
}

webbtidbok_pg_start() {
  local bin dir port
  if ! bin=$(webbtidbok_pg_bin); then
    # The base image has PostgreSQL 15; a machine without it gets it here.
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
    fi
    bin=$(webbtidbok_pg_bin) || {
      echo "postgres.sh: no PostgreSQL server binaries (pg_ctl, initdb) found" >&2
      return 1
    }
  fi
  port=${WEBBTIDBOK_PG_PORT:-54329}
  dir=$(mktemp -d "${TMPDIR:-/tmp}/webbtidbok-pg.XXXXXX") || return 1
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir" || return 1
  fi
  if ! webbtidbok_pg_as "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi
  WEBBTIDBOK_PG_DIR=$dir
  WEBBTIDBOK_PG_BINDIR=$bin
  # Stop the server however the sourcing shell ends, keeping any EXIT trap
  # it had.
  local previous
  previous=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  # shellcheck disable=SC2064
  trap "webbtidbok_pg_stop${previous:+; $previous}" EXIT
  if ! webbtidbok_pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    echo "postgres.sh: the server did not start:" >&2
    cat "$dir/server.log" >&2
    return 1
  fi
  export WEBBTIDBOK_PG_DSN="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  echo "postgres.sh: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (WEBBTIDBOK_PG_DSN)"
}

webbtidbok_pg_start
