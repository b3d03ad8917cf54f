-- The cancellation list (återbud, see store.Waitlist): citizens waiting
-- for an earlier time, in the order they joined (seq), and the offers of
-- freed times made to them. wait_key is what makes two entries the same
-- wait (subject and booking, or subject, kind and clinician); data is
-- the entry or offer as JSON. An offer's state (store.OfferState: 0
-- open, 1 accepted, 2 gone) and settled time (nanoseconds since 1970,
-- 0 for none) are columns, so that one UPDATE settles it once.
CREATE TABLE waitlist_entries (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic     TEXT NOT NULL,
    id         TEXT NOT NULL,
    wait_key   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    time_type  TEXT NOT NULL,
    data       TEXT NOT NULL,
    UNIQUE (clinic, id),
    UNIQUE (clinic, wait_key)
);
CREATE INDEX waitlist_entries_by_clinic ON waitlist_entries (clinic, seq);

CREATE TABLE waitlist_offers (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    clinic   TEXT NOT NULL,
    slot_key TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    state    SMALLINT NOT NULL,
    settled  BIGINT NOT NULL,
    data     TEXT NOT NULL,
    UNIQUE (clinic, slot_key, entry_id)
);
