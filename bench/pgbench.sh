#!/usr/bin/env bash
# The baseline for BenchmarkBookParallel on PostgreSQL, on the server
# WEBBTIDBOK_PG_DSN names (source .ci/postgres.sh for a throwaway one),
# with 16 clients:
#
#  1. pgbench's rate of single-row INSERTs into a table of three columns
#     with a text primary key: the baseline.
#  2. pgbench's rate of the book's own booking statement (the INSERT …
#     SELECT of sqltidbok's bookSlotSQL, on the book's schema with
#     400,000 free slots): what the database can do for the booking rules,
#     with no Go, database/sql or pgx in the way.
#  3. BenchmarkBookParallel, on PostgreSQL and SQLite.
#
#   bench/pgbench.sh            # all three
#   bench/pgbench.sh --baseline # 1 and 2 only
#
# Every transaction is one statement, sent as a prepared statement
# (-M prepared), as the book's driver sends its statements. Tables live in
# a schema that is dropped afterwards. Settings: PGBENCH_CLIENTS (16),
# PGBENCH_THREADS (2), PGBENCH_SECONDS (10), BENCH_TIME (the Go benchmark's
# -benchtime, 20000x).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${WEBBTIDBOK_PG_DSN:?set it, e.g. by sourcing .ci/postgres.sh}"
clients=${PGBENCH_CLIENTS:-16} # at most 16: the slots are shared out among them
threads=${PGBENCH_THREADS:-2}
seconds=${PGBENCH_SECONDS:-10}

pgbench=$(command -v pgbench || true)
if [ -z "$pgbench" ] && [ -x /usr/lib/postgresql/15/bin/pgbench ]; then
  pgbench=/usr/lib/postgresql/15/bin/pgbench
fi
if [ -z "$pgbench" ]; then
  echo "pgbench.sh: pgbench not found (Debian: postgresql-client-15)" >&2
  exit 1
fi

schema=pgbench_baseline_$$
dsn=$WEBBTIDBOK_PG_DSN
case $dsn in
*\?*) dsn_schema="$dsn&options=-csearch_path%3D$schema" ;;
*) dsn_schema="$dsn?options=-csearch_path%3D$schema" ;;
esac

dir=$(mktemp -d)
cleanup() {
  psql "$WEBBTIDBOK_PG_DSN" -qX -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

{
  echo "CREATE SCHEMA $schema; SET search_path = $schema;"
  echo "CREATE TABLE single_insert (id TEXT PRIMARY KEY, subject TEXT NOT NULL, at_ns BIGINT NOT NULL);"
  cat tidbok/sqltidbok/migrations/0001_book.sql
  cat <<'SQL'
INSERT INTO facilities VALUES ('SE2321000016-BENCH', 'Bänkmottagningen', 1);
INSERT INTO time_types VALUES ('SE2321000016-BENCH', 'LAK', 'Läkarbesök', 1);
INSERT INTO slots (id, facility_id, start_ns, end_ns, day, time_type_id, web_bookable)
SELECT 's' || i, 'SE2321000016-BENCH', 2000000000000000000 + i * 60000000000, 2000000000000000000 + (i + 1) * 60000000000, 20330518, 'LAK', TRUE
FROM generate_series(1, 400000) i;
ANALYZE;
SQL
} | psql "$WEBBTIDBOK_PG_DSN" -qX -v ON_ERROR_STOP=1 >/dev/null

cat >"$dir/insert.sql" <<'SQL'
\set n random(1, 1000000000000)
INSERT INTO single_insert (id, subject, at_ns) VALUES ('b' || :client_id || '-' || :n, '191212121212', :n);
SQL

# The book's booking statement (writes.go, bookSlotSQL), with the values
# a booking of slot n by a citizen sends. Each client books in a range of
# slots of its own: two clients racing for one slot would end the run, as
# pgbench stops a client at the unique violation the book answers with
# ErrSlotTaken.
cat >"$dir/book.sql" <<'SQL'
\set n :client_id * 25000 + random(1, 25000)
INSERT INTO bookings (id, slot_id, facility_id, invitation, notice, subject, reason,
	first_name, middle_name, last_name, phone, email, address, co_address,
	med_facility, notification, actor_person, actor_agent, booked_at_ns)
	SELECT 'b' || :client_id || '-' || :n || '-' || random(), s.id, s.facility_id, FALSE,
		COALESCE((SELECT n.text FROM notices n WHERE n.facility_id = s.facility_id AND n.time_type_id = s.time_type_id), ''),
		'191212121212', '', 'Test', '', 'Testsson', '0701234567', '', '', '', 'SE2321000016-BENCH', '', '', '', CAST(1 AS BIGINT)
	FROM slots s
	WHERE s.id = 's' || :n AND s.facility_id = 'SE2321000016-BENCH'
		AND s.start_ns = 2000000000000000000 + :n * 60000000000 AND s.end_ns = 2000000000000000000 + (:n + 1) * 60000000000
		AND s.web_bookable AND NOT s.withdrawn AND s.start_ns > 0
		AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)
	FOR KEY SHARE OF s RETURNING notice;
SQL

run() { # script label unit
  local out tps
  out=$("$pgbench" -n -M prepared -c "$clients" -j "$threads" -T "$seconds" -f "$dir/$1" "$dsn_schema" 2>&1) || {
    echo "$out" >&2
    exit 1
  }
  tps=$(echo "$out" | awk '/^tps = / {print $3; exit}')
  echo "pgbench: $clients clients, $threads threads, ${seconds}s of $2: $tps $3/s"
}
run insert.sql "single-row INSERTs" inserts
run book.sql "the book's booking statement" bookings

if [ "${1:-}" != "--baseline" ]; then
  go test -run '^$' -bench 'BookParallel' -benchtime "${BENCH_TIME:-20000x}" ./tidbok/sqltidbok/
fi
