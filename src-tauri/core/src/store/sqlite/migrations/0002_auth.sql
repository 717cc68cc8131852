-- Accounts, two-factor, sessions and the audit log (docs/architecture.md, Who may do what; README, Security model).

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    -- Lowercased name: uniqueness must hold for any letters, not only the ASCII ones NOCASE folds.
    name_key        TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'support')),
    password_hash   TEXT NOT NULL,
    -- Sealed with the data key, bound to users/totp_secret/<id>.
    totp_secret     BLOB,
    totp_confirmed  INTEGER NOT NULL DEFAULT 0,
    last_totp_step  INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    lockout_count   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    salt     BLOB NOT NULL,
    hash     BLOB NOT NULL,
    used_at  INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id) WHERE used_at IS NULL;

CREATE TABLE sessions (
    -- SHA-256 of the token: a copy of the database does not hand out live sessions.
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    unlocked_at INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}'
);
