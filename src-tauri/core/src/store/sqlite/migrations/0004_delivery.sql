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
-- The delivery log: one event's deliveries, and a status filter paged newest first.
CREATE INDEX deliveries_event ON deliveries(event_row);
CREATE INDEX deliveries_status ON deliveries(status, id);
-- The engine's claim walks each destination's open work in due order.
CREATE INDEX deliveries_open ON deliveries(dest, next_attempt_at, id) WHERE status IN ('pending','failed');
CREATE INDEX deliveries_leased ON deliveries(lease_until) WHERE status = 'delivering';

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

-- The last is_online answer per store (order injection), shown as "POS online / offline".
CREATE TABLE pos_status (
    store      TEXT PRIMARY KEY,
    online     INTEGER NOT NULL,
    checked_at INTEGER NOT NULL
);

-- Bumped by every change to what a delivery uses from a hook, whichever process or code path made it, so
-- an engine's decrypted copy of the hooks knows when it is stale. Failure tracking alone does not bump it.
CREATE TABLE hooks_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO hooks_generation (id, n) VALUES (1, 0);
CREATE TRIGGER hooks_generation_insert AFTER INSERT ON hooks
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hooks_generation_delete AFTER DELETE ON hooks
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hooks_generation_update AFTER UPDATE OF id, label, url_base, url_query, all_stores, app_type,
    auth_kind, auth_name, auth_secret, signature_kind, signature_key_source, signature_secret, retry_preset,
    ordered, allow_private_network, timeout_ms, enabled, created_at ON hooks
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_events_generation_insert AFTER INSERT ON hook_events
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_events_generation_update AFTER UPDATE ON hook_events
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_events_generation_delete AFTER DELETE ON hook_events
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_stores_generation_insert AFTER INSERT ON hook_stores
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_stores_generation_update AFTER UPDATE ON hook_stores
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER hook_stores_generation_delete AFTER DELETE ON hook_stores
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
