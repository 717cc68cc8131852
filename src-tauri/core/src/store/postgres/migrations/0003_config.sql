-- Webhook configuration (docs/architecture.md, Stores, hooks and routing): stores, hooks and the Integration Hub order-webhook pages.
-- Every secret column holds crypto::seal output bound to (table, column, row id); never plaintext.

CREATE TABLE stores (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    merch_key     TEXT,
    restaurant_id TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE hooks (
    id                    TEXT PRIMARY KEY,
    label                 TEXT NOT NULL,
    url_base              TEXT NOT NULL,
    url_query             BYTEA,
    all_stores            BIGINT NOT NULL CHECK (all_stores IN (0, 1)),
    app_type              TEXT CHECK (app_type IN ('channel', 'pos', 'rider', 'loyalty')),
    auth_kind             TEXT NOT NULL CHECK (auth_kind IN ('none', 'header', 'bearer', 'authorization', 'basic')),
    -- The header name (header) or the user name (basic): not secret, shown in the UI.
    auth_name             TEXT,
    auth_secret           BYTEA,
    signature_kind        TEXT NOT NULL CHECK (signature_kind IN ('none', 'x-signature', 'standard')),
    signature_key_source  TEXT CHECK (signature_key_source IN ('source_key', 'signature_key')),
    signature_secret      BYTEA,
    retry_preset          TEXT NOT NULL,
    ordered               BIGINT NOT NULL CHECK (ordered IN (0, 1)),
    allow_private_network BIGINT NOT NULL CHECK (allow_private_network IN (0, 1)),
    timeout_ms            BIGINT NOT NULL,
    enabled               BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    -- Failure state, written by the engine: when continuous failure began, and why a hook was turned off.
    failing_since_ms      BIGINT,
    disabled_reason       TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

-- Join tables rather than JSON so the engine's "who takes this event" is one indexed query.
-- `rowid` keeps insertion order, as SQLite's implicit rowid does: a hook's events and stores are read back
-- in the order they were saved (ORDER BY rowid).
CREATE TABLE hook_events (
    hook_id TEXT NOT NULL REFERENCES hooks(id) ON DELETE CASCADE,
    event   TEXT NOT NULL,
    rowid   BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (hook_id, event)
);
CREATE INDEX hook_events_event ON hook_events(event);

CREATE TABLE hook_stores (
    hook_id  TEXT NOT NULL REFERENCES hooks(id) ON DELETE CASCADE,
    store_id TEXT NOT NULL REFERENCES stores(id),
    rowid    BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (hook_id, store_id)
);
CREATE INDEX hook_stores_store ON hook_stores(store_id);

CREATE TABLE order_webhooks (
    store_id              TEXT PRIMARY KEY REFERENCES stores(id),
    header_name           TEXT,
    header_value          BYTEA,
    open_url_base         TEXT,
    open_url_query        BYTEA,
    open_enabled          BIGINT NOT NULL DEFAULT 0,
    update_url_base       TEXT,
    update_url_query      BYTEA,
    update_enabled        BIGINT NOT NULL DEFAULT 0,
    close_url_base        TEXT,
    close_url_query       BYTEA,
    close_enabled         BIGINT NOT NULL DEFAULT 0,
    third_party_active    BIGINT NOT NULL DEFAULT 0,
    allow_private_network BIGINT NOT NULL DEFAULT 0,
    updated_at            BIGINT NOT NULL
);
