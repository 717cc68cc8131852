// The only module that talks to the desktop process. Every failure becomes an ApiError the screens can branch on.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { Command } from './gen/ipc';
import type {
  WorkerRow,
  AppStatus,
  Attempt,
  AuditEntry,
  AuthState,
  Emitted,
  ErrorCode,
  EventData,
  RecoverStarted,
  RecoveryCodes,
  Resent,
  CatalogFamily,
  DashboardRow,
  Delivery,
  DeliveryFilter,
  Enrollment,
  HookFilter,
  HookInput,
  HookView,
  OrderWebhooks,
  OrderWebhooksInput,
  OwnSession,
  RecoverProgress,
  Role,
  DesktopSettings,
  Settings,
  Store,
  StorageProblem,
  DataSettings,
  BackupReport,
  StoreInput,
  SavedFile,
  IngestToken,
  User,
} from './types';

/**
 * Every code the core sends, as a value: typed against the generated union, so a code added to the Rust
 * `ErrorCode` fails the type check here until it is listed.
 */
const CODES: Record<ErrorCode, true> = {
  invalid: true,
  not_found: true,
  conflict: true,
  locked: true,
  unauthorized: true,
  locked_out: true,
  enrollment_required: true,
  forbidden: true,
  crypto: true,
  schema_too_new: true,
  database: true,
  io: true,
  delivery: true,
};

function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CODES, code);
}

export class ApiError extends Error {
  readonly code: ErrorCode | 'unknown';
  readonly field: string | null;
  /** The code as sent, kept even when this build does not know it. */
  readonly rawCode: string;

  constructor(code: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.rawCode = code;
    this.code = isErrorCode(code) ? code : 'unknown';
    this.field = field;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Field names may come snake_cased from the core; the UI keys its inputs by the camelCase JSON names. */
function camelField(field: string): string {
  return field.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Turns whatever a rejected command carried into an ApiError. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isRecord(reason) && typeof reason.code === 'string') {
    const message = typeof reason.message === 'string' ? reason.message : reason.code;
    const field = typeof reason.field === 'string' && reason.field ? camelField(reason.field) : null;
    return new ApiError(reason.code, message, field);
  }
  if (typeof reason === 'string') return new ApiError('unknown', reason);
  if (reason instanceof Error) return new ApiError('unknown', reason.message);
  return new ApiError('unknown', 'Unexpected error');
}

type LockedListener = () => void;
let lockedListener: LockedListener | null = null;

/** The session registers here so any "locked" answer sends the user back to the code prompt. */
export function onLocked(listener: LockedListener | null): void {
  lockedListener = listener;
}

async function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (reason) {
    const err = toApiError(reason);
    if (err.code === 'locked' && lockedListener) lockedListener();
    throw err;
  }
}

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  workersList: () => call<WorkerRow[]>('workers_list'),

  authState: () => call<AuthState>('auth_state'),
  setupAdmin: (name: string, password: string) => call<AuthState>('setup_admin', { name, password }),
  signIn: (name: string, password: string) => call<AuthState>('sign_in', { name, password }),
  signOut: () => call<null>('sign_out'),
  beginEnrollment: () => call<Enrollment>('begin_enrollment'),
  confirmEnrollment: (code: string) => call<RecoveryCodes>('confirm_enrollment', { code }),
  unlock: (code: string) => call<AuthState>('unlock', { code }),
  lock: () => call<null>('lock'),

  usersList: () => call<User[]>('users_list'),
  userAdd: (name: string, role: Role, password: string) => call<User>('user_add', { name, role, password }),
  userRemove: (name: string) => call<null>('user_remove', { name }),
  userReset2fa: (name: string, code: string) => call<User>('user_reset_2fa', { name, code }),
  userSetDisabled: (name: string, disabled: boolean, code: string) =>
    call<User>('user_set_disabled', { name, disabled, code }),
  userSetRole: (name: string, role: Role, code: string) => call<User>('user_set_role', { name, role, code }),

  passwordChange: (currentPassword: string, newPassword: string, code: string) =>
    call<null>('password_change', { currentPassword, newPassword, code }),
  recoveryCodesRenew: (code: string) => call<RecoveryCodes>('recovery_codes_renew', { code }),
  ownSessions: () => call<OwnSession[]>('own_sessions'),
  signOutEverywhere: () => call<number>('sign_out_everywhere'),
  auditList: (limit: number, beforeId?: number) =>
    call<AuditEntry[]>('audit_list', beforeId === undefined ? { limit } : { limit, beforeId }),
  settingsGet: () => call<Settings>('settings_get'),
  settingsSet: (idleMinutes: number) => call<Settings>('settings_set', { idleMinutes }),
  desktopSettingsGet: () => call<DesktopSettings>('desktop_settings_get'),
  desktopSettingsSet: (s: DesktopSettings) => call<DesktopSettings>('desktop_settings_set', { ...s }),
  closeChoice: (choice: 'background' | 'quit') => call<null>('close_choice', { choice }),

  storesList: () => call<Store[]>('stores_list'),
  storeSave: (store: StoreInput) => call<Store>('store_save', { store }),
  storeDelete: (id: string) => call<null>('store_delete', { id }),

  storageStatus: () => call<StorageProblem | null>('storage_status'),
  dataSettingsGet: () => call<DataSettings>('data_settings_get'),
  retentionSet: (days: number) => call<DataSettings>('retention_set', { days }),
  /** Asks where with the system's save dialog; null when the user cancelled. */
  backupSaveAs: () => call<BackupReport | null>('backup_save_as'),
  deliveriesExportCsv: (filter: Omit<DeliveryFilter, 'limit' | 'beforeId'>) =>
    call<SavedFile | null>('deliveries_export_csv', { filter }),
  recoveryCodesSaveAs: (text: string) => call<SavedFile | null>('recovery_codes_save_as', { text }),
  ingestTokensList: () => call<IngestToken[]>('ingest_tokens_list'),
  ingestTokenCreate: (label: string) =>
    call<{ token: IngestToken; secret: string }>('ingest_token_create', { label }),
  ingestTokenRevoke: (id: number) => call<IngestToken>('ingest_token_revoke', { id }),

  catalog: () => call<CatalogFamily[]>('catalog'),
  hooksList: (filter: HookFilter = {}) => call<HookView[]>('hooks_list', { filter }),
  hookGet: (id: string) => call<HookView>('hook_get', { id }),
  hookCreate: (input: HookInput, totpCode?: string) =>
    call<HookView>('hook_create', totpCode ? { input, totpCode } : { input }),
  hookUpdate: (id: string, input: HookInput, resetAuth: boolean, totpCode?: string) =>
    call<HookView>('hook_update', totpCode ? { id, input, resetAuth, totpCode } : { id, input, resetAuth }),
  hookDelete: (id: string) => call<null>('hook_delete', { id }),
  hookRevealSecret: (id: string, totpCode: string) => call<string>('hook_reveal_secret', { id, totpCode }),
  hookRollSecret: (id: string, totpCode: string, overlapHours: number, secret?: string) =>
    call<HookView>('hook_roll_secret', secret ? { id, totpCode, overlapHours, secret } : { id, totpCode, overlapHours }),
  hookReplaceAuth: (id: string, totpCode: string, value: string) =>
    call<HookView>('hook_replace_auth', { id, totpCode, value }),
  hookSetEnabled: (id: string, enabled: boolean) => call<HookView>('hook_set_enabled', { id, enabled }),

  orderWebhooksGet: (store: string) => call<OrderWebhooks>('order_webhooks_get', { store }),
  orderWebhooksSet: (store: string, settings: OrderWebhooksInput, totpCode?: string) =>
    call<OrderWebhooks>('order_webhooks_set', totpCode ? { store, settings, totpCode } : { store, settings }),

  samplePayload: (event: string) => call<EventData>('sample_payload', { event }),
  sendTest: (hookId: string, event: string, data?: EventData) =>
    call<Attempt>('send_test', data === undefined ? { hookId, event } : { hookId, event, data }),

  deliveriesList: (filter: DeliveryFilter = {}) => call<Delivery[]>('deliveries_list', { filter }),
  deliveryAttempts: (id: number) => call<Attempt[]>('delivery_attempts', { id }),
  resend: (id: number) => call<Resent>('resend', { id }),
  /** Queues the deliveries again; `onProgress` hears how many have finished until all have. */
  recover: (hookId: string, sinceMs: number, onProgress: (p: RecoverProgress) => void) => {
    const channel = new Channel<RecoverProgress>();
    channel.onmessage = onProgress;
    return call<RecoverStarted>('recover', { hookId, sinceMs, onProgress: channel });
  },
  emitEvent: (type: string, store: string, data: EventData, key?: string) =>
    call<Emitted>('emit_event', key ? { eventType: type, store, data, key } : { eventType: type, store, data }),
  dashboard: (sinceMs: number) => call<DashboardRow[]>('dashboard', { sinceMs }),
};

/** A readable line for an error of any kind, for places that have no field to attach it to. */
export function errorMessage(e: unknown): string {
  return toApiError(e).message;
}
