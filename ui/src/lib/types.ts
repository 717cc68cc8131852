// The shapes the desktop commands take and answer with are generated from the Rust types into
// gen/ipc.ts (README, "The IPC contract"); nothing here describes the IPC again. This module only
// re-exports them, some under the names the screens use.
import type {
  AttemptView,
  AuthInput,
  Bucket,
  EnrollmentView,
  HookListFilter,
  HookStats,
  OrderWebhooksPatch,
  OrderWebhooksView,
  SessionView,
  StoreView,
  UserView,
  WorkerRow,
} from './gen/ipc';

export type { WorkerRow };
export type {
  Alert,
  AlertKind,
  AppStatus,
  AppType,
  AuditEntry,
  AuthInput,
  AuthState,
  BackupReport,
  CatalogEvent,
  CatalogFamily,
  DataSettings,
  DbSize,
  DeliveryFilter,
  DeliveryStatus,
  DesktopSettings,
  Emitted,
  ErrorCode,
  EventData,
  Family,
  HookInput,
  HookStatus,
  HookView,
  KeySource,
  RecoverProgress,
  RecoverStarted,
  RecoveryCodes,
  Resent,
  RetryPreset,
  Role,
  Settings,
  SignatureInput,
  StorageProblem,
  StoreInput,
  Trigger,
  UrlToggleView,
  SavedFile,
  CreatedToken,
} from './gen/ipc';

export type User = UserView;
export type OwnSession = SessionView;
export type Enrollment = EnrollmentView;
export type Store = StoreView;
export type HookFilter = HookListFilter;
export type OrderWebhooks = OrderWebhooksView;
export type OrderWebhooksInput = OrderWebhooksPatch;
export type Attempt = AttemptView;
export type Delivery = import('./gen/ipc').DeliveryView;
export type DashboardRow = HookStats;
export type DashboardPoint = Bucket;
export type IngestToken = import('./gen/ipc').TokenView;
export type AuthKind = AuthInput['kind'];
