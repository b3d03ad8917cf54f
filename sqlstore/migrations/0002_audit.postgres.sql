-- Audit events of the booking flow (PDL access log) and of changes to
-- case types, in the order they were recorded (seq).
CREATE TABLE booking_audit (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    clinic  TEXT NOT NULL,
    subject TEXT NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX booking_audit_by_subject ON booking_audit (subject, at);
CREATE INDEX booking_audit_by_clinic ON booking_audit (clinic, at);

CREATE TABLE casetype_audit (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    clinic    TEXT NOT NULL,
    case_type TEXT NOT NULL,
    data      TEXT NOT NULL
);
CREATE INDEX casetype_audit_by_clinic ON casetype_audit (clinic, at);
