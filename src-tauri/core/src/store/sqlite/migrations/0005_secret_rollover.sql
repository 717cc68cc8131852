-- Signing-secret rollover (docs/wire-formats.md, "Rolling a signing secret"): while a Standard Webhooks
-- secret is being replaced, the previous one keeps signing beside the new one until `signature_previous_until`
-- (milliseconds since the epoch). Sealed like every other secret, bound to (hooks, signature_previous, id).
ALTER TABLE hooks ADD COLUMN signature_previous BLOB;
ALTER TABLE hooks ADD COLUMN signature_previous_until INTEGER;

-- The engine's hook cache must see a rollover even if only these columns change.
CREATE TRIGGER hooks_generation_rollover AFTER UPDATE OF signature_previous, signature_previous_until ON hooks
BEGIN UPDATE hooks_generation SET n = n + 1 WHERE id = 1; END;
