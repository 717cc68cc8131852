-- Account lifecycle (README, Security model): an admin may disable a user. A disabled user cannot sign in
-- and has no sessions; the row stays, so the audit log keeps naming them and they can be enabled again.

ALTER TABLE users ADD COLUMN disabled_at BIGINT;
