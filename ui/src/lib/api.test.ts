import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onLocked, toApiError } from './api';

afterEach(() => onLocked(null));

describe('toApiError', () => {
  it('keeps code, message and field of a core error', () => {
    const e = toApiError({ code: 'invalid', message: 'must be https', field: 'url' });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('invalid');
    expect(e.message).toBe('must be https');
    expect(e.field).toBe('url');
  });

  it('camel-cases snake_case field names', () => {
    expect(toApiError({ code: 'invalid', message: 'x', field: 'timeout_ms' }).field).toBe('timeoutMs');
    expect(toApiError({ code: 'invalid', message: 'x', field: 'auth.name' }).field).toBe('auth.name');
  });

  it('knows every code the core sends, database and file errors included', () => {
    for (const code of ['io', 'schema_too_new', 'database', 'locked_out', 'enrollment_required'] as const) {
      expect(toApiError({ code, message: 'plain words' }).code).toBe(code);
    }
  });

  it('maps unknown codes, strings and other values to "unknown"', () => {
    const odd = toApiError({ code: 'teapot', message: 'short and stout' });
    expect(odd.code).toBe('unknown');
    expect(odd.rawCode).toBe('teapot');
    expect(toApiError('plain text')).toMatchObject({ code: 'unknown', message: 'plain text', field: null });
    expect(toApiError(42).code).toBe('unknown');
    expect(toApiError(new Error('boom')).message).toBe('boom');
  });
});

describe('api calls', () => {
  it('sends camelCase arguments to the named command', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return { id: 'h1' };
    });
    const input = {
      label: 'L', url: 'https://x.test', events: ['order.open'], allStores: true, stores: [], appType: null,
      auth: { kind: 'none' as const }, signature: { kind: 'none' as const }, retryPreset: 'standard' as const,
      ordered: false, allowPrivateNetwork: true, timeoutMs: 15000,
    };
    await api.hookCreate(input, '123456');
    await api.hookUpdate('h1', input, true);
    expect(calls[0]).toEqual(['hook_create', { input, totpCode: '123456' }]);
    expect(calls[1]).toEqual(['hook_update', { id: 'h1', input, resetAuth: true }]);
  });

  it('rejects with an ApiError carrying the field', async () => {
    mockIPC(() => {
      throw { code: 'invalid', message: 'not a valid header name', field: 'auth.name' };
    });
    await expect(api.hooksList()).rejects.toMatchObject({ code: 'invalid', field: 'auth.name' });
    await expect(api.hooksList()).rejects.toBeInstanceOf(ApiError);
  });

  it('tells the session when the core answers "locked"', async () => {
    const listener = vi.fn();
    onLocked(listener);
    mockIPC((cmd) => {
      if (cmd === 'hooks_list') throw { code: 'locked', message: 'the session is locked' };
      throw { code: 'forbidden', message: 'no' };
    });
    await expect(api.hooksList()).rejects.toMatchObject({ code: 'locked' });
    expect(listener).toHaveBeenCalledTimes(1);
    await expect(api.usersList()).rejects.toMatchObject({ code: 'forbidden' });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
