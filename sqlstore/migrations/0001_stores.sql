-- The stores of the booking flow and the clinic configuration. The same
-- SQL serves SQLite and PostgreSQL. Each row keeps its value whole as JSON
-- in data, and the fields the store looks up, orders by or guards on in
-- columns of their own. Times are nanoseconds since 1970 (UTC); HSA-ids
-- and personal identity numbers are in their canonical form.

-- Case types (ärendetyper), one row per clinic and ID; version guards
-- against lost updates.
CREATE TABLE casetypes (
    clinic  TEXT NOT NULL,
    id      TEXT NOT NULL,
    version BIGINT NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (clinic, id)
);

-- Versions of each case type's terms (villkorstext), numbered from 1 with
-- no gaps; never changed or removed.
CREATE TABLE terms_versions (
    clinic    TEXT NOT NULL,
    case_type TEXT NOT NULL,
    number    BIGINT NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (clinic, case_type, number)
);

-- Citizens' acceptances of terms versions; never changed or removed. A
-- citizen may accept one version more than once.
CREATE TABLE terms_acceptances (
    citizen   TEXT NOT NULL,
    clinic    TEXT NOT NULL,
    case_type TEXT NOT NULL,
    number    BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    data      TEXT NOT NULL
);
CREATE INDEX terms_acceptances_by_citizen ON terms_acceptances (citizen, clinic, case_type, number);

-- Holds on slots: at most one per slot at a clinic, and one per subject at
-- a clinic (the store replaces a subject's hold when it takes another).
CREATE TABLE holds (
    token    TEXT PRIMARY KEY,
    clinic   TEXT NOT NULL,
    slot_key TEXT NOT NULL,
    subject  TEXT NOT NULL,
    expires  BIGINT NOT NULL,
    data     TEXT NOT NULL,
    UNIQUE (clinic, slot_key)
);
CREATE INDEX holds_by_subject ON holds (clinic, subject);
CREATE INDEX holds_by_expiry ON holds (expires);

-- Request keys and the outcomes of the calls that used them. claim is the
-- token of the call holding the key; updates are guarded on it.
CREATE TABLE request_keys (
    caller      TEXT NOT NULL,
    request_key TEXT NOT NULL,
    action      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state       INTEGER NOT NULL,
    claim       TEXT NOT NULL,
    claimed     BIGINT NOT NULL,
    expires     BIGINT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (caller, request_key)
);
CREATE INDEX request_keys_by_expiry ON request_keys (expires);

-- How often each booking was moved through the booking service.
CREATE TABLE reschedules (
    clinic     TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (clinic, booking_id)
);

-- Citizens' requests to the clinic's staff (Beställa tid, Av-/omboka
-- förfrågan). closed_at is 0 while the request is open.
CREATE TABLE citizen_requests (
    clinic    TEXT NOT NULL,
    id        TEXT NOT NULL,
    created   BIGINT NOT NULL,
    closed_at BIGINT NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (clinic, id)
);
CREATE INDEX citizen_requests_by_created ON citizen_requests (clinic, created, id);
