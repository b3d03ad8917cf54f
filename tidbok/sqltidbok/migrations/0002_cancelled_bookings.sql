-- A tombstone of every cancelled booking or invitation, written in the
-- transaction that deletes the booking, so that a cancel leaves a trace
-- for the clinic's audit (patient-data law) while the slot is free at
-- once. It holds no contact details, reason or message: only what was
-- booked, for whom, and when and by whom it was cancelled. It references
-- nothing and nothing references it, so that it adds no lock to booking,
-- cancelling or staff's changes to a slot.
--
-- id is the booking's ID. slot_id, start_ns and end_ns are the slot it
-- held (NULL for an open invitation). actor_person and actor_agent are
-- who cancelled, as the request named them: both empty for the citizen in
-- person, a personal identity number for a guardian, an HSA-id for staff.
CREATE TABLE cancelled_bookings (
    id              TEXT PRIMARY KEY,
    facility_id     TEXT NOT NULL,
    slot_id         TEXT,
    start_ns        BIGINT,
    end_ns          BIGINT,
    subject         TEXT NOT NULL,
    invitation      BOOLEAN NOT NULL,
    time_type_id    TEXT NOT NULL,
    booked_at_ns    BIGINT NOT NULL,
    cancelled_at_ns BIGINT NOT NULL,
    actor_person    TEXT NOT NULL DEFAULT '',
    actor_agent     TEXT NOT NULL DEFAULT ''
);

CREATE INDEX cancelled_bookings_by_time ON cancelled_bookings (facility_id, cancelled_at_ns);
