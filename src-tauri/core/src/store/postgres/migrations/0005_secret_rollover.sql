-- Signing-secret rollover (docs/wire-formats.md, "Rolling a signing secret"): while a Standard Webhooks
-- secret is being replaced, the previous one keeps signing beside the new one until `signature_previous_until`
-- (milliseconds since the epoch). Sealed like every other secret, bound to (hooks, signature_previous, id).
ALTER TABLE hooks ADD COLUMN signature_previous BYTEA;
ALTER TABLE hooks ADD COLUMN signature_previous_until BIGINT;

-- The engine's hook cache must see a rollover even if only these columns change.
CREATE TRIGGER hooks_generation_rollover AFTER UPDATE OF signature_previous, signature_previous_until ON hooks
    FOR EACH ROW EXECUTE FUNCTION hooks_generation_bump();
