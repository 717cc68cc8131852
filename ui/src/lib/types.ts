// Shapes of the data the desktop commands return and accept (camelCase JSON).

export type Role = 'admin' | 'manager' | 'support';
export type AppType = 'channel' | 'pos' | 'rider' | 'loyalty';
export type Family = 'hub' | 'order_injection' | 'order_status' | 'merchant';
export type RetryPreset = 'standard' | 'usaepay' | 'ordatic';
export type HookStatus = 'healthy' | 'failing' | 'disabled';
export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'dead';
export type Trigger = 'live' | 'test' | 'resend';
export type StoreScope = 'all' | string[];

export interface AppStatus {
  version: string;
  dataDir: string;
  schemaVersion: number;
}

export interface User {
  id: number;
  name: string;
  role: Role;
  totpEnrolled: boolean;
  /** A disabled user cannot sign in. */
  disabled: boolean;
}

/** One of the signed-in user's own sessions; `id` is a prefix of the token's hash, not the token. */
export interface OwnSession {
  id: string;
  createdAtMs: number;
  lastSeenMs: number;
  unlocked: boolean;
  current: boolean;
}

export interface AuthState {
  needsSetup: boolean;
  user: User | null;
  unlocked: boolean;
  idleExpiresAt: number | null;
}

export interface Enrollment {
  secret: string;
  otpauthUrl: string;
  qrPngBase64: string;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

export interface Settings {
  idleMinutes: number;
}

export interface StorageProblem {
  sinceMs: number;
  message: string;
}

export interface DbSize {
  bytes: number;
  freeBytes: number;
  walBytes: number;
}

export interface DataSettings {
  retentionDays: number;
  defaultDays: number;
  size: DbSize;
}

export interface BackupReport {
  file: string;
  bytes: number;
  schemaVersion: number;
}

export interface DesktopSettings {
  keepDelivering: boolean;
  startAtLogin: boolean;
}

export type AlertKind = 'hook_disabled' | 'deliveries_dead' | 'disk_full' | 'database_unreachable';

export interface Alert {
  kind: AlertKind;
  hookId: string | null;
  title: string;
  body: string;
}

export interface Store {
  id: string;
  name: string;
  merchKey: string | null;
  restaurantId: string | null;
  posOnline: boolean | null;
}

export interface StoreInput {
  id: string;
  name: string;
  merchKey?: string;
  restaurantId?: string;
}

export interface CatalogEvent {
  name: string;
  description: string;
  scope: AppType[];
}

export interface CatalogFamily {
  family: Family;
  label: string;
  events: CatalogEvent[];
}

export type AuthInput =
  | { kind: 'none' }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'authorization'; value: string }
  | { kind: 'basic'; username: string; password: string };

export type AuthKind = AuthInput['kind'];

export type KeySource = 'source_key' | 'signature_key';

export type SignatureInput =
  | { kind: 'none' }
  | { kind: 'x-signature'; keySource: KeySource; key: string }
  | { kind: 'standard' };

export interface HookInput {
  label: string;
  url: string;
  events: string[];
  stores: StoreScope;
  appType: AppType | null;
  auth: AuthInput;
  signature: SignatureInput;
  retryPreset: RetryPreset;
  ordered: boolean;
  allowPrivateNetwork: boolean;
  timeoutMs: number;
}

export interface HookView {
  id: string;
  label: string;
  url: string;
  enabled: boolean;
  events: string[];
  stores: StoreScope;
  appType: AppType | null;
  /** Secret parts (value, token, password) come masked: `••••1234`. */
  auth: { kind: AuthKind; name?: string; value?: string; token?: string; username?: string; password?: string };
  /** The secret or key appears masked (`••••1234`); the plain value only through reveal or roll. */
  signature: { kind: SignatureInput['kind']; keySource?: KeySource; secret?: string; key?: string };
  /** While a rolled Standard Webhooks secret still signs beside the new one: until when (ms). */
  previousSecretUntil: number | null;
  /** Only in the answer that generated or rolled the signing secret: shown once. */
  newSecret?: string;
  retryPreset: RetryPreset;
  ordered: boolean;
  allowPrivateNetwork: boolean;
  timeoutMs: number;
  status: HookStatus;
  disabledReason: string | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface HookFilter {
  search?: string;
  event?: string;
  store?: string;
  enabled?: boolean;
}

export interface UrlToggle {
  url: string;
  enabled: boolean;
}

export interface OrderWebhooks {
  store: string;
  requestHeader: { name: string; valueMasked: string | null };
  open: UrlToggle;
  update: UrlToggle;
  close: UrlToggle;
  thirdPartyActive: boolean;
  allowPrivateNetwork: boolean;
}

export interface OrderWebhooksInput {
  /** `value`: null keeps the stored value, "" clears it. */
  requestHeader: { name: string; value: string | null };
  open: UrlToggle;
  update: UrlToggle;
  close: UrlToggle;
  thirdPartyActive: boolean;
  allowPrivateNetwork: boolean;
}

export interface Attempt {
  id: number;
  deliveryId: number;
  trigger: Trigger;
  number: number;
  startedAt: number;
  latencyMs: number;
  statusCode: number | null;
  error: null | { kind: string; message: string };
  requestUrl: string;
  requestHeaders: [string, string][];
  requestBody: string;
  /** Set when requestBody is not exactly the body sent (rendered again after the store changed). */
  requestBodyNote: string | null;
  responseHeaders: [string, string][];
  responseBody: string;
  result: null | { online?: boolean; valid_order?: boolean };
}

export interface DeliveryFilter {
  hook?: string;
  store?: string;
  event?: string;
  status?: DeliveryStatus;
  since?: number;
  until?: number;
  limit?: number;
  beforeId?: number;
}

export interface Delivery {
  id: number;
  eventId: string;
  eventType: string;
  store: string;
  hookId: string;
  hookLabel: string | null;
  destination: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface RecoverProgress {
  total: number;
  done: number;
  finished: boolean;
}

export interface DashboardPoint {
  bucketStart: number;
  succeeded: number;
  failed: number;
  p50Ms: number | null;
}

export interface DashboardRow {
  hookId: string;
  label: string;
  /** Deliveries with an attempt in the range. */
  deliveries: number;
  /** Attempts in the range (retries count each time). */
  total: number;
  succeeded: number;
  failed: number;
  successRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Width of each bar; the series has every bar of the range, empty ones included. */
  bucketMs: number;
  series: DashboardPoint[];
}

/** A file written where the user chose in the save dialog. */
export interface SavedFile {
  path: string;
  /** CSV rows written, for an export. */
  rows: number | null;
  /** More rows matched than an export holds; the newest are in the file. */
  truncated: boolean;
}

/** An ingest token as lists show it: never the token itself. */
export interface IngestToken {
  id: number;
  label: string;
  /** "hdi_…" and the token's last four characters. */
  hint: string;
  createdBy: string | null;
  createdAtMs: number;
}
