-- Ingest tokens can be listed and revoked (README, Ingest API): a label says what a token is for, and the
-- hint (its last four characters) tells tokens apart without revealing them.
ALTER TABLE ingest_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE ingest_tokens ADD COLUMN hint TEXT NOT NULL DEFAULT '';
