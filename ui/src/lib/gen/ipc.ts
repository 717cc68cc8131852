// Generated from the Rust types by `make ipc-types` (src-tauri/src/ipc_types.rs); do not edit.

/** Every command the window may call (src-tauri/src/command_list.rs). */
export type Command =
  | "app_status"
  | "workers_list"
  | "auth_state"
  | "setup_admin"
  | "sign_in"
  | "sign_out"
  | "begin_enrollment"
  | "confirm_enrollment"
  | "unlock"
  | "lock"
  | "users_list"
  | "user_add"
  | "user_remove"
  | "user_reset_2fa"
  | "user_set_disabled"
  | "user_set_role"
  | "audit_list"
  | "settings_get"
  | "settings_set"
  | "password_change"
  | "recovery_codes_renew"
  | "own_sessions"
  | "sign_out_everywhere"
  | "stores_list"
  | "store_save"
  | "catalog"
  | "hooks_list"
  | "hook_get"
  | "hook_create"
  | "hook_update"
  | "hook_delete"
  | "hook_set_enabled"
  | "hook_reveal_secret"
  | "hook_roll_secret"
  | "hook_replace_auth"
  | "order_webhooks_get"
  | "order_webhooks_set"
  | "sample_payload"
  | "send_test"
  | "deliveries_list"
  | "delivery_attempts"
  | "resend"
  | "recover"
  | "emit_event"
  | "dashboard"
  | "storage_status"
  | "data_settings_get"
  | "retention_set"
  | "store_delete"
  | "backup_save_as"
  | "deliveries_export_csv"
  | "recovery_codes_save_as"
  | "ingest_tokens_list"
  | "ingest_token_create"
  | "ingest_token_revoke"
  | "close_choice"
  | "desktop_settings_get"
  | "desktop_settings_set"
;

/**
 * The stable codes of [`Error`], one per variant family. The desktop window receives them as this
 * enum (its TypeScript union is generated from it, see README "The IPC contract"); the CLI prints the
 * same strings.
 */
export type ErrorCode = "invalid" | "not_found" | "conflict" | "locked" | "unauthorized" | "locked_out" | "enrollment_required" | "forbidden" | "crypto" | "schema_too_new" | "database" | "io" | "delivery";

/**
 * What a failed command sends the window: the core's code, a message meant for a person (database and
 * file errors in plain words, never the driver's text) and, for bad input, the field it concerns.
 */
export type IpcError = { code: ErrorCode, message: string, field?: string, };

/**
 * What the app shell's status panel shows.
 */
export type AppStatus = { version: string, dataDir: string, 
/**
 * Where the data lives: "sqlite" (the file in the data directory) or "postgres".
 */
backend: string, 
/**
 * The SQLite file's path, or the PostgreSQL address with its password masked.
 */
database: string, 
/**
 * The PostgreSQL server's host name (the status bar's "Shared database (PostgreSQL, host)").
 */
databaseHost: string | null, 
/**
 * Delivery workers (apps and `hookdesk serve`) whose heartbeat is recent.
 */
workersAlive: number, schemaVersion: number, };

export type WorkerRow = { id: string, host: string, pid: number, 
/**
 * "serve" or "app".
 */
kind: string, startedAt: number, heartbeatAt: number, 
/**
 * Deliveries this worker finished since it started.
 */
delivered: number, };

export type Role = "admin" | "manager" | "support";

export type UserView = { id: number, name: string, role: Role, totpEnrolled: boolean, 
/**
 * Only while a lockout is running.
 */
lockedUntilMs: number | null, createdAtMs: number, 
/**
 * A disabled user cannot sign in.
 */
disabled: boolean, };

/**
 * One of the signed-in user's own sessions. `id` is a prefix of the token's hash: enough to tell
 * sessions apart, useless for signing in.
 */
export type SessionView = { id: string, createdAtMs: number, lastSeenMs: number, unlocked: boolean, 
/**
 * The session asking.
 */
current: boolean, };

export type AuthState = { needsSetup: boolean, user: UserView | null, unlocked: boolean, idleExpiresAtMs: number | null, };

export type EnrollmentView = { secret: string, otpauthUrl: string, qrPngBase64: string, };

export type Settings = { idleMinutes: number, };

export type RecoveryCodes = { recoveryCodes: Array<string>, };

/**
 * One entry as the Users screen and the CLI show it. `summary` is `detail` in one readable line,
 * decided here so no front end has to guess how to print an object.
 */
export type AuditEntry = { id: number, atMs: number, actor: string | null, action: string, target: string, detail: unknown, summary: string, };

/**
 * The storage failure in progress: since when (unix ms) and what went wrong, in plain words (the
 * driver's text goes to the log only).
 */
export type StorageProblem = { sinceMs: number, message: string, };

/**
 * The database's size on disk and how much of it is free pages waiting for reuse, in bytes.
 */
export type DbSize = { bytes: number, freeBytes: number, 
/**
 * The write-ahead log beside it.
 */
walBytes: number, };

export type DataSettings = { retentionDays: number, defaultDays: number, size: DbSize, };

export type BackupReport = { file: string, bytes: number, schemaVersion: number, };

export type DesktopSettings = { 
/**
 * Closing the window leaves the engine delivering (the default); off, closing the window quits.
 */
keepDelivering: boolean, 
/**
 * Start Hookdesk (hidden, delivering) when the user logs in.
 */
startAtLogin: boolean, };

/**
 * A store as listed: its fields as plain strings, and the last answer of its POS to `is_online`
 * (docs/wire-formats.md, order injection), `None` before the first.
 */
export type StoreView = { id: string, name: string, merchKey: string | null, restaurantId: string | null, posOnline: boolean | null, };

/**
 * A store as typed by a user, before validation.
 */
export type StoreInput = { id: string, name: string, merchKey?: string, restaurantId?: string, };

/**
 * The four receiver systems, each with its own wire format (docs/wire-formats.md).
 */
export type Family = "hub" | "order_injection" | "order_status" | "merchant";

/**
 * The app type an order-status subscriber declares (docs/architecture.md, Stores, hooks and routing); it limits which order/rider events it may take.
 */
export type AppType = "channel" | "pos" | "rider" | "loyalty";

/**
 * A known event type; only [`EventType::parse`] makes one.
 * Sent as its name: `"order.open"`.
 */
export type EventType = string;

/**
 * One event of the catalogue as the window's event picker shows it.
 */
export type CatalogEvent = { name: string, description: string, 
/**
 * The app types that may subscribe (order status events only; empty otherwise).
 */
scope: Array<AppType>, };

/**
 * A receiver family with its events, in the catalogue's order.
 */
export type CatalogFamily = { family: Family, label: string, events: Array<CatalogEvent>, };

export type RetryPreset = "standard" | "usaepay" | "ordatic";

/**
 * A secret value (auth value, signing key, TOTP secret, URL query). `Debug` and `Display` never print it;
 * `mask()` shows the last four characters at most, and only for values long enough to stay secret.
 */
export type Secret = string;

/**
 * Which key an X-Signature is made with (docs/wire-formats.md, Signatures).
 */
export type KeySource = "source_key" | "signature_key";

/**
 * A store id: a slug (`store-12`), 1–64 of `a-z 0-9 - _`. It appears in payloads and URLs of receivers.
 */
export type StoreId = string;

/**
 * Authentication as typed by a user; [`AuthInput::validate`] turns it into a [`HookAuth`].
 */
export type AuthInput = { "kind": "none" } | { "kind": "header", name: string, value: Secret, } | { "kind": "bearer", token: Secret, } | { "kind": "authorization", value: Secret, } | { "kind": "basic", username: string, password: Secret, };

/**
 * A signature setting as typed by a user. A missing Standard Webhooks secret, or a missing merchant
 * signature key, is generated; the merchant's source key is theirs and cannot be.
 */
export type SignatureInput = { "kind": "none" } | { "kind": "x-signature", keySource: KeySource, key: Secret, } | { "kind": "standard", secret?: Secret, };

/**
 * A hook as typed in the Add/Edit modal or on the command line, before validation.
 *
 * The window's type names the choices (`AppType`, `RetryPreset`); the core still takes any string and
 * answers a field error, since the CLI and the import file reach it with whatever was typed.
 */
export type HookInput = { label: string, url: string, events: Array<string>, allStores: boolean, stores: Array<string>, appType: AppType | null, auth: AuthInput, signature: SignatureInput, retryPreset: RetryPreset | null, ordered: boolean, allowPrivateNetwork: boolean, timeoutMs: number | null, };

export type AuthView = { "kind": "none" } | { "kind": "header", name: string, value: string, } | { "kind": "bearer", token: string, } | { "kind": "authorization", value: string, } | { "kind": "basic", username: string, password: string, };

export type SignatureView = { "kind": "none" } | { "kind": "x-signature", keySource: KeySource, key: string, } | { "kind": "standard", secret: string, };

/**
 * How a hook is doing, decided here so every front end says the same: off, failing (its latest
 * deliveries keep failing), or healthy.
 */
export type HookStatus = "healthy" | "failing" | "disabled";

/**
 * A signing secret in plain text, for the one answer that must carry it: the call that generated it, a
 * reveal with a fresh two-factor code, or a roll (docs/wire-formats.md, "Signing secrets"). `Debug`
 * stays masked, so it cannot reach a log by accident.
 */
export type RevealedSecret = string;

/**
 * A hook as listed and shown. Times are milliseconds since the epoch (`…Ms`), as everywhere the
 * window is sent one.
 */
export type HookView = { id: string, label: string, 
/**
 * The query string masked.
 */
url: string, events: Array<EventType>, allStores: boolean, stores: Array<StoreId>, appType: AppType | null, auth: AuthView, signature: SignatureView, retryPreset: RetryPreset, ordered: boolean, allowPrivateNetwork: boolean, timeoutMs: number, enabled: boolean, status: HookStatus, failingSinceMs: number | null, disabledReason: string | null, 
/**
 * While a rolled Standard Webhooks secret still signs beside the new one: until when.
 */
previousSecretUntilMs: number | null, 
/**
 * Set only in the answer to the call that generated or rolled the signing secret.
 */
newSecret?: RevealedSecret, createdAtMs: number, updatedAtMs: number, };

/**
 * The hooks list's search box and filters; absent fields do not filter.
 */
export type HookListFilter = { search?: string, event?: string, store?: string, enabled?: boolean, };

export type UrlToggleView = { url: string | null, enabled: boolean, };

/**
 * A store's Order webhook page.
 */
export type OrderWebhooksView = { store: string, headerName: string | null, headerValue: string | null, open: UrlToggleView, update: UrlToggleView, close: UrlToggleView, thirdPartyActive: boolean, allowPrivateNetwork: boolean, };

/**
 * A change to one URL row; absent fields stay as they are.
 */
export type UrlTogglePatch = { 
/**
 * `""` clears the URL. The masked URL shown by `get` is accepted and keeps the stored one, so a form
 * can send back what it displayed without knowing the secret query.
 */
url?: string, enabled?: boolean, };

/**
 * A change to the page; absent fields stay as they are. Secrets are write-only: they can be replaced
 * or cleared, never read back.
 */
export type OrderWebhooksPatch = { 
/**
 * `""` removes the request header (name and value).
 */
headerName?: string, headerValue?: Secret, open?: UrlTogglePatch, update?: UrlTogglePatch, close?: UrlTogglePatch, thirdPartyActive?: boolean, allowPrivateNetwork?: boolean, };

/**
 * The states of a delivery (docs/architecture.md, the life of a delivery), for the window's type.
 */
export type DeliveryStatus = "pending" | "delivering" | "succeeded" | "failed" | "dead";

/**
 * What started an attempt.
 */
export type Trigger = "live" | "test" | "resend";

export type AttemptErrorView = { kind: string, message: string, };

export type AttemptView = { id: number, deliveryId: number, trigger: Trigger, number: number, startedAtMs: number, latencyMs: number, statusCode: number | null, error: AttemptErrorView | null, requestUrl: string, requestHeaders: Array<[string, string]>, requestBody: string, 
/**
 * Set when `request_body` is not exactly what was sent (see `sent_body`).
 */
requestBodyNote: string | null, responseHeaders: Array<[string, string]>, responseBody: string, 
/**
 * The parsed answer of an `is_online` or `validate_order` call (docs/wire-formats.md, order
 * injection).
 */
result: { online?: boolean; valid_order?: boolean } | null, nextAttemptAtMs: number | null, };

/**
 * A delivery as the log lists it; times in milliseconds since the epoch (`…Ms`).
 */
export type DeliveryView = { id: number, eventId: string, eventType: string, store: string, hookId: string | null, hookLabel: string | null, destination: string, status: DeliveryStatus, attempts: number, lastStatusCode: number | null, lastError: string | null, nextAttemptAtMs: number | null, createdAtMs: number, updatedAtMs: number, };

/**
 * The delivery log's filters; absent fields do not filter. Times in milliseconds since the epoch.
 */
export type DeliveryFilter = { hook?: string, store?: string, event?: string, status?: DeliveryStatus, sinceMs?: number, untilMs?: number, limit?: number, beforeId?: number, };

/**
 * An event's `data`: free JSON whose shape each receiver family defines (docs/wire-formats.md); the
 * sample payloads show one per event type. The core validates it when the event is queued or sent.
 */
export type EventData = unknown;

export type Resent = { deliveryId: number, };

/**
 * How far a recovery has come: of the deliveries it queued again, how many have finished.
 */
export type RecoverProgress = { 
/**
 * Deliveries the recovery queued again.
 */
queued: number, delivered: number, 
/**
 * Given up after their retries ran out.
 */
gaveUp: number, 
/**
 * Failed again and waiting for their next retry.
 */
stillFailing: number, 
/**
 * Not tried since they were queued again.
 */
waiting: number, 
/**
 * Every queued delivery was delivered or given up.
 */
finished: boolean, };

export type RecoverStarted = { queued: number, };

export type Emitted = { eventId: string, deliveries: number, };

export type Bucket = { bucketStartMs: number, succeeded: number, failed: number, p50Ms: number | null, };

export type HookStats = { hookId: string, label: string, 
/**
 * Deliveries with at least one attempt in the range.
 */
deliveries: number, 
/**
 * Attempts in the range (a delivery retried three times counts three).
 */
total: number, succeeded: number, failed: number, successRate: number, p50Ms: number | null, p95Ms: number | null, 
/**
 * Width of each bar in `series`; every bar from the start of the range to now is present, empty
 * ones included, so the chart's time axis is even.
 */
bucketMs: number, series: Array<Bucket>, };

export type AlertKind = "hook_disabled" | "deliveries_dead" | "disk_full" | "database_unreachable";

export type Alert = { kind: AlertKind, 
/**
 * The hook the alert is about; clicking it opens the delivery log filtered to this hook.
 */
hookId: string | null, title: string, body: string, };

/**
 * A file written where the user chose in the save dialog.
 */
export type SavedFile = { path: string, 
/**
 * CSV rows written, for an export.
 */
rows: number | null, 
/**
 * More rows matched than an export holds; the newest are in the file.
 */
truncated: boolean, };

/**
 * A token as the lists show it (the token itself is never shown again).
 */
export type TokenView = { id: number, label: string, 
/**
 * "hdi_…" and the token's last four characters.
 */
hint: string, createdBy: string | null, createdAtMs: number, };

export type CreatedToken = { token: TokenView, 
/**
 * The token itself: this answer is the only time it leaves the core.
 */
secret: string, };
