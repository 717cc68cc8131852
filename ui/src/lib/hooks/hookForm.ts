// The Add/Edit Hook form as plain data: building it from a hook, checking it the way the core does, and
// turning it into the command input. Kept free of components so it can be tested directly.
import type {
  AppType,
  AuthInput,
  AuthKind,
  CatalogFamily,
  HookInput,
  HookView,
  RetryPreset,
  SignatureInput,
} from '../types';

export type SignatureChoice = 'none' | 'source_key' | 'signature_key' | 'standard';
export type FieldErrors = Record<string, string>;

export interface HookForm {
  label: string;
  url: string;
  events: string[];
  storesMode: 'all' | 'pick';
  stores: string[];
  appType: AppType | '';
  authKind: AuthKind;
  authName: string;
  authValue: string;
  authUsername: string;
  authPassword: string;
  signatureKind: SignatureChoice;
  signatureKey: string;
  retryPreset: RetryPreset;
  ordered: boolean;
  allowPrivateNetwork: boolean;
  totpCode: string;
  timeoutMs: number | null;
}

/** What the form needs to know besides its own values. */
export interface FormContext {
  catalog: CatalogFamily[];
  /** Auth and signature are sent (add mode, or edit mode after Reset Webhook Authentication). */
  authEditable: boolean;
  /** Private network is being switched on now, so a fresh code is required. */
  needsTotp: boolean;
  /** In edit mode, the URL as the core showed it (query string masked). */
  originalUrl?: string;
}

export const DEFAULT_TIMEOUT_MS = 15000;
export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 60000;

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOTP = /^\d{6}$/;

export function emptyForm(): HookForm {
  return {
    label: '',
    url: '',
    events: [],
    storesMode: 'all',
    stores: [],
    appType: '',
    authKind: 'none',
    authName: '',
    authValue: '',
    authUsername: '',
    authPassword: '',
    signatureKind: 'none',
    signatureKey: '',
    retryPreset: 'standard',
    ordered: false,
    allowPrivateNetwork: false,
    totpCode: '',
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
}

export function signatureChoice(sig: HookView['signature']): SignatureChoice {
  if (sig.kind === 'x-signature') return sig.keySource === 'source_key' ? 'source_key' : 'signature_key';
  return sig.kind;
}

/** Secrets never come back from the core: their inputs start empty and show the masked value as a hint. */
export function formFromHook(h: HookView): HookForm {
  return {
    ...emptyForm(),
    label: h.label,
    url: h.url,
    events: [...h.events],
    storesMode: h.allStores ? 'all' : 'pick',
    stores: h.allStores ? [] : [...h.stores],
    appType: h.appType ?? '',
    authKind: h.auth.kind,
    authName: h.auth.kind === 'header' ? h.auth.name : '',
    authUsername: h.auth.kind === 'basic' ? h.auth.username : '',
    signatureKind: signatureChoice(h.signature),
    retryPreset: h.retryPreset,
    ordered: h.ordered,
    allowPrivateNetwork: h.allowPrivateNetwork,
    timeoutMs: h.timeoutMs,
  };
}

export function familyOf(catalog: CatalogFamily[], event: string): CatalogFamily | undefined {
  return catalog.find((f) => f.events.some((e) => e.name === event));
}

/** App type matters only for order-status events (their scope matrix). */
export function needsAppType(catalog: CatalogFamily[], events: string[]): boolean {
  return events.some((e) => familyOf(catalog, e)?.family === 'order_status');
}

const MASK = '\u2022';

function checkUrl(form: HookForm, ctx: FormContext, errors: FieldErrors): void {
  const raw = form.url.trim();
  if (!raw) {
    errors.url = 'Enter the URL the hook sends to';
    return;
  }
  // An untouched masked URL means "keep the stored one"; an edited one would save the mask itself.
  if (raw.includes(MASK) && raw !== ctx.originalUrl) {
    errors.url = 'Type the whole URL again: the hidden part of the query string cannot be edited';
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    errors.url = 'Enter a full URL, such as https://example.com/hooks';
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    errors.url = 'Use an https:// URL';
  } else if (parsed.protocol === 'http:' && !form.allowPrivateNetwork) {
    errors.url = 'Use https://; plain http is allowed only for private-network hooks';
  } else if (parsed.username || parsed.password) {
    errors.url = 'Put credentials in Authentication, not in the URL';
  }
}

function checkAuth(form: HookForm, errors: FieldErrors): void {
  switch (form.authKind) {
    case 'header':
      if (!form.authName.trim()) errors['auth.name'] = 'Enter the header name';
      else if (!HEADER_TOKEN.test(form.authName.trim())) errors['auth.name'] = 'Not a valid header name';
      if (!form.authValue) errors['auth.value'] = 'Enter the header value';
      break;
    case 'bearer':
      if (!form.authValue) errors['auth.value'] = 'Enter the token';
      break;
    case 'authorization':
      if (!form.authValue) errors['auth.value'] = 'Enter the Authorization value';
      break;
    case 'basic':
      if (!form.authUsername) errors['auth.username'] = 'Enter the user name';
      else if (form.authUsername.includes(':')) errors['auth.username'] = 'The user name may not contain ":"';
      if (!form.authPassword) errors['auth.password'] = 'Enter the password';
      break;
    case 'none':
      break;
  }
  // An empty signature key is generated by Hookdesk and shown once; a source key is the merchant's own.
  if (form.signatureKind === 'source_key' && !form.signatureKey) {
    errors['signature.key'] = "Enter the merchant's source key";
  }
}

function checkEvents(form: HookForm, ctx: FormContext, errors: FieldErrors): void {
  if (form.events.length === 0) {
    errors.events = 'Choose at least one event';
    return;
  }
  if (!needsAppType(ctx.catalog, form.events)) return;
  if (!form.appType) {
    errors.appType = 'Choose the app type for order-status events';
    return;
  }
  const appType = form.appType;
  const outside = form.events.filter((name) => {
    const ev = familyOf(ctx.catalog, name)?.events.find((e) => e.name === name);
    return ev !== undefined && ev.scope.length > 0 && !ev.scope.includes(appType);
  });
  if (outside.length > 0) errors.events = `Not available to ${appType} apps: ${outside.join(', ')}`;
}

export function validate(form: HookForm, ctx: FormContext): FieldErrors {
  const errors: FieldErrors = {};
  if (!form.label.trim()) errors.label = 'Enter a label';
  else if (form.label.trim().length > 100) errors.label = 'Keep the label under 100 characters';
  checkUrl(form, ctx, errors);
  checkEvents(form, ctx, errors);
  if (form.storesMode === 'pick' && form.stores.length === 0) errors.stores = 'Choose at least one store';
  if (ctx.authEditable) checkAuth(form, errors);
  const t = form.timeoutMs;
  if (t === null || !Number.isInteger(t) || t < MIN_TIMEOUT_MS || t > MAX_TIMEOUT_MS) {
    errors.timeoutMs = `Enter a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`;
  }
  if (ctx.needsTotp && !TOTP.test(form.totpCode.trim())) {
    errors.totpCode = 'Enter the 6-digit code from your authenticator app';
  }
  return errors;
}

function authInput(form: HookForm): AuthInput {
  switch (form.authKind) {
    case 'header':
      return { kind: 'header', name: form.authName.trim(), value: form.authValue };
    case 'bearer':
      return { kind: 'bearer', token: form.authValue };
    case 'authorization':
      return { kind: 'authorization', value: form.authValue };
    case 'basic':
      return { kind: 'basic', username: form.authUsername, password: form.authPassword };
    case 'none':
      return { kind: 'none' };
  }
}

function signatureInput(form: HookForm): SignatureInput {
  switch (form.signatureKind) {
    case 'source_key':
    case 'signature_key':
      return { kind: 'x-signature', keySource: form.signatureKind, key: form.signatureKey };
    case 'standard':
      return { kind: 'standard' };
    case 'none':
      return { kind: 'none' };
  }
}

/**
 * When auth is not being reset the core keeps the stored auth and signature (resetAuth: false), so
 * placeholders without secrets are sent in their place.
 */
export function toInput(form: HookForm, ctx: FormContext): HookInput {
  return {
    label: form.label.trim(),
    url: form.url.trim(),
    events: [...form.events],
    allStores: form.storesMode === 'all',
    stores: form.storesMode === 'all' ? [] : [...form.stores],
    appType: needsAppType(ctx.catalog, form.events) && form.appType ? form.appType : null,
    auth: ctx.authEditable ? authInput(form) : { kind: 'none' },
    signature: ctx.authEditable ? signatureInput(form) : { kind: 'none' },
    retryPreset: form.retryPreset,
    ordered: form.ordered,
    allowPrivateNetwork: form.allowPrivateNetwork,
    timeoutMs: form.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** Server field names the form shows under a different input. */
const FIELD_ALIASES: Record<string, string> = {
  'auth.token': 'auth.value',
  'signature.secret': 'signature.key',
  'signature.keySource': 'signature.key',
  code: 'totpCode',
};

export function formField(serverField: string): string {
  return FIELD_ALIASES[serverField] ?? serverField;
}

/** The masked signing secret or key a hook shows, or "" when it does not sign. */
export function maskedSigningKey(s: HookView['signature'] | undefined): string {
  if (s?.kind === 'standard') return s.secret;
  if (s?.kind === 'x-signature') return s.key;
  return '';
}
