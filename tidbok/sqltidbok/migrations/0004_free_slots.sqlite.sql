-- SQLite's own aids to the citizen's searches. The SQLite driver spends
-- more on each index seek, and on each row and column it hands over, than
-- a search of a few answers can afford, so on SQLite:
--
-- free_days counts, for each clinic and day, the slots a citizen could
-- book: web-bookable, not withdrawn and held by no booking or invitation
-- (started or not: the book asks about today's slots themselves).
-- AvailableDates of a whole clinic reads a month of it as one range of a
-- small table instead of one index seek a day. The triggers below keep it
-- exact in the transaction of every change to a slot or to the slot a
-- booking holds, whichever statement makes it. A row whose count falls
-- to zero stays.
--
-- free_slots_by_performer covers AvailableTimeslots of one clinician: the
-- day's slots, every column the answer needs, in the index alone. It
-- holds only the slots a citizen may book (web-bookable, not withdrawn);
-- web_bookable and withdrawn are columns too, so that SQLite sees that it
-- covers the search's conditions.
CREATE TABLE free_days (
    facility_id TEXT NOT NULL,
    day         INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (facility_id, day)
) WITHOUT ROWID;

INSERT INTO free_days (facility_id, day, n)
SELECT s.facility_id, s.day, COUNT(*) FROM slots s
WHERE s.web_bookable AND NOT s.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = s.id)
GROUP BY s.facility_id, s.day;

CREATE TRIGGER free_days_slot_insert AFTER INSERT ON slots
WHEN NEW.web_bookable AND NOT NEW.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = NEW.id)
BEGIN
    INSERT INTO free_days (facility_id, day, n) VALUES (NEW.facility_id, NEW.day, 1)
    ON CONFLICT (facility_id, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER free_days_slot_delete AFTER DELETE ON slots
WHEN OLD.web_bookable AND NOT OLD.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = OLD.id)
BEGIN
    UPDATE free_days SET n = n - 1 WHERE facility_id = OLD.facility_id AND day = OLD.day;
END;

CREATE TRIGGER free_days_slot_update AFTER UPDATE OF id, facility_id, day, web_bookable, withdrawn ON slots
BEGIN
    UPDATE free_days SET n = n - 1
    WHERE facility_id = OLD.facility_id AND day = OLD.day
        AND OLD.web_bookable AND NOT OLD.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = OLD.id);
    INSERT INTO free_days (facility_id, day, n)
    SELECT NEW.facility_id, NEW.day, 1
    WHERE NEW.web_bookable AND NOT NEW.withdrawn AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = NEW.id)
    ON CONFLICT (facility_id, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER free_days_booking_insert AFTER INSERT ON bookings
WHEN NEW.slot_id IS NOT NULL
BEGIN
    UPDATE free_days SET n = n - 1
    WHERE (facility_id, day) = (SELECT s.facility_id, s.day FROM slots s
            WHERE s.id = NEW.slot_id AND s.web_bookable AND NOT s.withdrawn)
        AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = NEW.slot_id AND x.id <> NEW.id);
END;

CREATE TRIGGER free_days_booking_delete AFTER DELETE ON bookings
WHEN OLD.slot_id IS NOT NULL
BEGIN
    INSERT INTO free_days (facility_id, day, n)
    SELECT s.facility_id, s.day, 1 FROM slots s
    WHERE s.id = OLD.slot_id AND s.web_bookable AND NOT s.withdrawn
        AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = OLD.slot_id)
    ON CONFLICT (facility_id, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER free_days_booking_update AFTER UPDATE OF slot_id ON bookings
WHEN OLD.slot_id IS NOT NEW.slot_id
BEGIN
    INSERT INTO free_days (facility_id, day, n)
    SELECT s.facility_id, s.day, 1 FROM slots s
    WHERE s.id = OLD.slot_id AND s.web_bookable AND NOT s.withdrawn
        AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = OLD.slot_id)
    ON CONFLICT (facility_id, day) DO UPDATE SET n = n + 1;
    UPDATE free_days SET n = n - 1
    WHERE (facility_id, day) = (SELECT s.facility_id, s.day FROM slots s
            WHERE s.id = NEW.slot_id AND s.web_bookable AND NOT s.withdrawn)
        AND NOT EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = NEW.slot_id AND x.id <> NEW.id);
END;

CREATE INDEX free_slots_by_performer ON slots (facility_id, performer_id, day, start_ns, id, end_ns,
    time_type_id, care_type_id, resource_id, web_bookable, withdrawn)
    WHERE web_bookable AND NOT withdrawn;
