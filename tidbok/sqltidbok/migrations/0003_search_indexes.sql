-- Indexes for the citizen's searches, so that what a search reads grows
-- with its answer, never with the book. AvailableDates asks, for each day
-- that has slots (found by walking slots_by_day one day at a time),
-- whether one free slot matches, and stops at the first; these indexes
-- let that question, and the list of one day's slots, start at the first
-- slot of the time type or clinician asked for instead of reading every
-- slot of the day, and give one day's slots in the answer's order. Creating them locks the table against writes while
-- they are built (seconds for a million slots), once.
CREATE INDEX slots_by_time_type ON slots (facility_id, time_type_id, day, start_ns, id);
CREATE INDEX slots_by_performer ON slots (facility_id, performer_id, day, start_ns, id);
