-- Settings that belong to the installation rather than to a user or a hook.
CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
