-- The durable outbox: an event and its deliveries are committed before anything is sent.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    store       TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    data        TEXT NOT NULL,
    idem_key    TEXT UNIQUE,
    order_key   TEXT,
    trigger     TEXT NOT NULL DEFAULT 'live',
    created_at  INTEGER NOT NULL
);

-- dest: 'hook:<id>' for hooks, 'hub:<store>' for a store's Integration Hub order-webhook page
-- (one destination per page, so a check's events keep their order whichever URL they go to).
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    event_row        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    dest             TEXT NOT NULL,
    hook_id          TEXT,
    store            TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    order_key        TEXT,
    ordered          INTEGER NOT NULL DEFAULT 0,
    retry_preset     TEXT NOT NULL DEFAULT 'standard',
    status           TEXT NOT NULL CHECK (status IN ('pending','delivering','succeeded','failed','dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- A resend or recover starts the retry schedule again from here.
    resend           INTEGER NOT NULL DEFAULT 0,
    retry_base       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    lease_until      INTEGER,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_dest_order ON deliveries(dest, order_key, id) WHERE order_key IS NOT NULL;
CREATE INDEX deliveries_hook ON deliveries(hook_id, id);

CREATE TABLE attempts (
    id               INTEGER PRIMARY KEY,
    delivery_id      INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    trigger          TEXT NOT NULL CHECK (trigger IN ('live','test','resend')),
    number           INTEGER NOT NULL,
    started_at       INTEGER NOT NULL,
    latency_ms       INTEGER NOT NULL,
    status_code      INTEGER,
    error_kind       TEXT,
    error_message    TEXT,
    request_url      TEXT NOT NULL,
    request_headers  TEXT NOT NULL,
    request_body     TEXT NOT NULL,
    response_headers TEXT NOT NULL,
    response_body    TEXT NOT NULL,
    result           TEXT,
    next_attempt_at  INTEGER
);
CREATE INDEX attempts_delivery ON attempts(delivery_id, id);
CREATE INDEX attempts_started ON attempts(started_at);

-- One engine per data directory: the holder renews expires_at; another may take over once it lapses.
CREATE TABLE engine_lease (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    owner      TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE ingest_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT,
    created_at INTEGER NOT NULL
);

-- The last is_online answer per store (001), shown as "POS online / offline".
CREATE TABLE pos_status (
    store      TEXT PRIMARY KEY,
    online     INTEGER NOT NULL,
    checked_at INTEGER NOT NULL
);
