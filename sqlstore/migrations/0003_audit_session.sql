-- The login session or consumer an audit event was recorded in (an
-- opaque, non-secret reference; booking.Event.Session), so that the log
-- can be searched by session.
ALTER TABLE booking_audit ADD COLUMN session TEXT NOT NULL DEFAULT '';
CREATE INDEX booking_audit_by_session ON booking_audit (session, at);
