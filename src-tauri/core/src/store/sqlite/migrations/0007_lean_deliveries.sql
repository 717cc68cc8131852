-- Write less per delivery (README, Performance; docs/architecture.md, storage). A request body is a pure
-- function of its event and store (delivery/render.rs), and the event is kept anyway, so an attempt keeps
-- the body's SHA-256 instead of a copy: the delivery log renders the body again and shows it as sent when
-- the hash matches. Attempts recorded before this version keep the body they stored.
CREATE TABLE attempts_lean (
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
    -- Exactly one of the two for a request that was built; neither when it could not be (hook disabled).
    request_body     TEXT,
    request_body_sha256 BLOB CHECK (request_body_sha256 IS NULL OR length(request_body_sha256) = 32),
    response_headers TEXT NOT NULL,
    response_body    TEXT NOT NULL,
    result           TEXT,
    next_attempt_at  INTEGER,
    CHECK (request_body IS NULL OR request_body_sha256 IS NULL)
);
INSERT INTO attempts_lean (id, delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind,
                           error_message, request_url, request_headers, request_body, response_headers,
                           response_body, result, next_attempt_at)
    SELECT id, delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind, error_message,
           request_url, request_headers, NULLIF(request_body, ''), response_headers, response_body, result,
           next_attempt_at
    FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_lean RENAME TO attempts;
CREATE INDEX attempts_delivery ON attempts(delivery_id, id);
CREATE INDEX attempts_started ON attempts(started_at);

-- The loop's "next due" question only ever asks about waiting work; finished rows (nearly all of them)
-- no longer sit in, or move through, an index keyed by status.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_waiting ON deliveries(next_attempt_at) WHERE status IN ('pending','failed');

-- The delivery log's filter for one store's order-webhook page (destination 'hub:<store>'): only rows
-- without a hook are in it, so hook deliveries pay nothing for it.
CREATE INDEX deliveries_pages ON deliveries(dest, id) WHERE hook_id IS NULL;
