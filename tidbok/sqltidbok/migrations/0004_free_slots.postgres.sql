-- Nothing on PostgreSQL: its searches meet their targets through the
-- indexes of migration 3 (see 0004_free_slots.sqlite.sql for SQLite's).
SELECT 1;
