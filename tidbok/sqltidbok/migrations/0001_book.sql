-- The appointment book: the clinic's registers, its slots and the
-- bookings and invitations that hold them. The same SQL serves SQLite and
-- PostgreSQL. Ids are text, never SERIAL; double booking is prevented by a
-- UNIQUE constraint, never an exclusion constraint, so that the schema
-- also suits distributed SQL that speaks the PostgreSQL wire.

-- A clinic the book serves, by its canonical (upper-case) HSA-id. pos
-- keeps the order facilities were added in; ties are broken by id.
CREATE TABLE facilities (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    pos  BIGINT NOT NULL
);

-- The registers of a clinic. Names never change once added.
CREATE TABLE time_types (
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    pos         BIGINT NOT NULL,
    PRIMARY KEY (facility_id, id)
);

CREATE TABLE care_types (
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    pos         BIGINT NOT NULL,
    PRIMARY KEY (facility_id, id)
);

CREATE TABLE performers (
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    id          TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    title       TEXT NOT NULL,
    pos         BIGINT NOT NULL,
    PRIMARY KEY (facility_id, id)
);

CREATE TABLE resources (
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    pos         BIGINT NOT NULL,
    PRIMARY KEY (facility_id, id)
);

-- The notice (the wire's INFO) a booking of a time type succeeds with.
CREATE TABLE notices (
    facility_id  TEXT NOT NULL,
    time_type_id TEXT NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (facility_id, time_type_id),
    FOREIGN KEY (facility_id, time_type_id) REFERENCES time_types (facility_id, id)
);

-- A published slot. Times are unix nanoseconds; day is the Swedish date of
-- the start as yyyymmdd, for the date searches. The empty string means no
-- care type, performer or resource. A withdrawn slot stays, so that its
-- ID never books again. flags, when not NULL, are the flags staff set for
-- bookings of the slot (1 cancel, 2 reschedule, 4 message).
CREATE TABLE slots (
    id           TEXT PRIMARY KEY,
    facility_id  TEXT NOT NULL,
    start_ns     BIGINT NOT NULL,
    end_ns       BIGINT NOT NULL,
    day          INTEGER NOT NULL,
    time_type_id TEXT NOT NULL,
    care_type_id TEXT NOT NULL DEFAULT '',
    performer_id TEXT NOT NULL DEFAULT '',
    resource_id  TEXT NOT NULL DEFAULT '',
    web_bookable BOOLEAN NOT NULL,
    withdrawn    BOOLEAN NOT NULL DEFAULT FALSE,
    flags        SMALLINT,
    FOREIGN KEY (facility_id, time_type_id) REFERENCES time_types (facility_id, id)
);

CREATE INDEX slots_by_day ON slots (facility_id, day, start_ns);

-- A booking of a citizen or an invitation (kallelse) of the clinic. A
-- booking holds one slot; an open invitation holds none (slot_id NULL)
-- and describes itself with its own time type, care type, performer and
-- resource. A cancelled booking is deleted, freeing its slot.
--
-- bookings_slot_key is what makes double booking impossible: of two
-- transactions that book one slot, whichever commits second fails on it,
-- in any process.
CREATE TABLE bookings (
    id           TEXT PRIMARY KEY,
    slot_id      TEXT REFERENCES slots (id),
    facility_id  TEXT NOT NULL,
    subject      TEXT NOT NULL,
    invitation   BOOLEAN NOT NULL,
    time_type_id TEXT NOT NULL DEFAULT '',
    care_type_id TEXT NOT NULL DEFAULT '',
    performer_id TEXT NOT NULL DEFAULT '',
    resource_id  TEXT NOT NULL DEFAULT '',
    purpose      TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    flags        SMALLINT,
    first_name   TEXT NOT NULL DEFAULT '',
    middle_name  TEXT NOT NULL DEFAULT '',
    last_name    TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    co_address   TEXT NOT NULL DEFAULT '',
    med_facility TEXT NOT NULL DEFAULT '',
    notification TEXT NOT NULL DEFAULT '',
    actor_person TEXT NOT NULL DEFAULT '',
    actor_agent  TEXT NOT NULL DEFAULT '',
    reschedules  INTEGER NOT NULL DEFAULT 0,
    booked_at_ns BIGINT NOT NULL,
    notice       TEXT NOT NULL DEFAULT '',
    CONSTRAINT bookings_slot_key UNIQUE (slot_id)
);

CREATE INDEX bookings_by_subject ON bookings (facility_id, subject);
