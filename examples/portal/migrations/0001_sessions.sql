-- The portal's sessions (see session.go). id is the SHA-256 of the
-- session ID in the visitor's cookie, in hex; times are unix nanoseconds;
-- data is the session's state as JSON. Expired rows are deleted as they
-- are found and in sweeps.
CREATE TABLE portal_sessions (
    id         TEXT PRIMARY KEY,
    created_ns BIGINT NOT NULL,
    seen_ns    BIGINT NOT NULL,
    data       TEXT NOT NULL
);

CREATE INDEX portal_sessions_by_seen ON portal_sessions (seen_ns);
