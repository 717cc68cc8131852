-- Delivery workers (an app or `hookdesk serve`) and their heartbeats. On SQLite one engine holds the data
-- directory's lease, so this lists at most one; on a shared PostgreSQL database every worker of the team
-- appears here (docs/architecture.md, Team mode).
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('serve', 'app')),
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    delivered    INTEGER NOT NULL DEFAULT 0
);

-- The worker holding an in-flight delivery, so a dead worker's deliveries are taken over at once.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
