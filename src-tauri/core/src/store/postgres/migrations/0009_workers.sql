-- Delivery workers (an app or `hookdesk serve`) and their heartbeats: every worker of the team appears
-- here (docs/architecture.md, Team mode).
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('serve', 'app')),
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    delivered    BIGINT NOT NULL DEFAULT 0
);

-- The worker holding an in-flight delivery, so a dead worker's deliveries are taken over at once.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;

-- Wake-ups for the workers: new deliveries, and changes to what a delivery uses from a hook. A
-- notification is sent when the transaction commits, once per channel however many rows it wrote.
CREATE FUNCTION hookdesk_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hookdesk_work', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER deliveries_notify_work AFTER INSERT ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION hookdesk_notify_work();

CREATE FUNCTION hookdesk_notify_config() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hookdesk_config', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER hooks_generation_notify AFTER UPDATE ON hooks_generation
    FOR EACH STATEMENT EXECUTE FUNCTION hookdesk_notify_config();
