-- The outbox: messages owed to citizens, kept until delivered and after,
-- with their outcome (see store.Outbox). Workers in any number of
-- processes claim due rows with FOR UPDATE SKIP LOCKED under a lease.
-- Times are nanoseconds since 1970 (UTC), 0 for none; state is
-- store.MessageState (0 pending, 1 sent, 2 failed, 3 superseded,
-- 4 withdrawn).
CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    msg_key     TEXT NOT NULL UNIQUE,
    grp         TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    not_before  BIGINT NOT NULL,
    created     BIGINT NOT NULL,
    body        BYTEA NOT NULL,
    state       SMALLINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    claim       TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    settled     BIGINT NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);

-- The due messages, for Claim: only pending rows are indexed.
CREATE INDEX outbox_due ON outbox (not_before, id) WHERE state = 0;
CREATE INDEX outbox_grp ON outbox (grp, seq);
CREATE INDEX outbox_recipient ON outbox (recipient, id);
