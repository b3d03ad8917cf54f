#!/usr/bin/env bash
# The baseline for BenchmarkBookParallel on PostgreSQL, on the server
# WEBBTIDBOK_PG_DSN names (source .ci/postgres.sh for a throwaway one),
# with 16 clients (PGBENCH_CLIENTS):
#
#  1. pgbench's rate of single-row INSERTs into a table of three columns
#     with a text primary key: the baseline.
#  2. pgbench running the book's own booking statement on PostgreSQL (the
#     INSERT … SELECT … ON CONFLICT of sqltidbok's bookSlotsSQL, on the
#     book's schema with 1,000,000 free slots) the way the book sends it
#     with 16 callers: two statements at a time, 8 bookings each. What
#     the database can do for the booking rules, with no Go, database/sql
#     or pgx in the way; reported in bookings/s.
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
clients=${PGBENCH_CLIENTS:-16}
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
FROM generate_series(1, 1000000) i;
CREATE SEQUENCE batches;
ANALYZE;
SQL
} | psql "$WEBBTIDBOK_PG_DSN" -qX -v ON_ERROR_STOP=1 >/dev/null

cat >"$dir/insert.sql" <<'SQL'
\set n random(1, 1000000000000)
INSERT INTO single_insert (id, subject, at_ns) VALUES ('b' || :client_id || '-' || :n, '191212121212', :n);
SQL

# The book's booking statement (writes.go, bookSlotsSQL), its rows made
# in SQL instead of sent as arrays: a batch of :b bookings of the next :b
# free slots, each by a citizen of its own, as a batch of the book's
# carries them. The slots come from a sequence, so that no two batches
# want one slot.
cat >"$dir/book.sql" <<'SQL'
INSERT INTO bookings (id, slot_id, facility_id, invitation, notice, subject, reason,
	first_name, middle_name, last_name, phone, email, address, co_address,
	med_facility, notification, actor_person, actor_agent, booked_at_ns)
	SELECT r.id, s.id, s.facility_id, FALSE, COALESCE(n.text, ''),
		r.subject, '', 'Test', '', 'Testsson', '0701234567', '', '', '', 'SE2321000016-BENCH', '', '', '', r.booked_at_ns
	FROM (SELECT 'b' || g || '-' || random() AS id, 's' || g AS slot_id, 'SE2321000016-BENCH' AS facility_id,
			2000000000000000000 + g * 60000000000 AS start_ns, 2000000000000000000 + (g + 1) * 60000000000 AS end_ns,
			(190000000000 + g)::text AS subject, 1::bigint AS booked_at_ns, g AS ord
		FROM (SELECT (nextval('batches') - 1) * :b AS base) q, generate_series(q.base + 1, q.base + :b) g) r
	JOIN slots s ON s.id = r.slot_id AND s.facility_id = r.facility_id
		AND s.start_ns = r.start_ns AND s.end_ns = r.end_ns
		AND s.web_bookable AND NOT s.withdrawn AND s.start_ns > r.booked_at_ns
	LEFT JOIN notices n ON n.facility_id = s.facility_id AND n.time_type_id = s.time_type_id
	ORDER BY s.id, r.ord
	FOR KEY SHARE OF s
	ON CONFLICT (slot_id) DO NOTHING
	RETURNING id, notice;
SQL

run() { # script label unit clients [batch]
  local out tps
  out=$("$pgbench" -n -M prepared -c "$4" -j "$threads" -T "$seconds" -D b="${5:-1}" -f "$dir/$1" "$dsn_schema" 2>&1) || {
    echo "$out" >&2
    exit 1
  }
  tps=$(echo "$out" | awk '/^tps = / {print $3; exit}')
  echo "pgbench: $4 clients, $threads threads, ${seconds}s of $2: $(awk -v t="$tps" -v b="${5:-1}" 'BEGIN {printf "%.0f", t * b}') $3/s"
}
run insert.sql "single-row INSERTs" inserts "$clients"
run book.sql "the book's booking statement, 8 bookings a statement" bookings 2 8

if [ "${1:-}" != "--baseline" ]; then
  go test -run '^$' -bench 'BookParallel' -benchtime "${BENCH_TIME:-20000x}" ./tidbok/sqltidbok/
fi
