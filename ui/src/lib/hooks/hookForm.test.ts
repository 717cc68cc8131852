import { describe, expect, it } from 'vitest';
import { CATALOG, hookView } from './fixtures';
import { emptyForm, formField, formFromHook, toInput, validate, type HookForm } from './hookForm';

const ADD = { catalog: CATALOG, authEditable: true, needsTotp: false };

function valid(over: Partial<HookForm> = {}): HookForm {
  return { ...emptyForm(), label: 'Cart', url: 'https://cart.example.com/h', events: ['order.open'], ...over };
}

describe('validate', () => {
  it('requires label, url and at least one event', () => {
    expect(Object.keys(validate(emptyForm(), ADD)).sort()).toEqual(['events', 'label', 'url']);
    expect(validate(valid(), ADD)).toEqual({});
  });

  it('accepts plain http only for private-network hooks', () => {
    expect(validate(valid({ url: 'http://10.0.0.5/h' }), ADD).url).toMatch(/https/);
    expect(validate(valid({ url: 'http://10.0.0.5/h', allowPrivateNetwork: true }), ADD).url).toBeUndefined();
    expect(validate(valid({ url: 'ftp://x.test/' }), ADD).url).toBeDefined();
    expect(validate(valid({ url: 'not a url' }), ADD).url).toBeDefined();
  });

  it('accepts a masked URL only when it is left exactly as shown', () => {
    const shown = 'https://cart.example.com/h?token=\u2022\u2022\u2022\u2022';
    const ctx = { ...ADD, originalUrl: shown };
    expect(validate(valid({ url: shown }), ctx).url).toBeUndefined();
    expect(validate(valid({ url: `${shown}&x=1` }), ctx).url).toMatch(/again/);
  });

  it('needs an app type for order-status events and checks its scope', () => {
    expect(validate(valid({ events: ['order-accepted'] }), ADD).appType).toBeDefined();
    expect(validate(valid({ events: ['order-accepted'], appType: 'pos' }), ADD)).toEqual({});
    expect(validate(valid({ events: ['order-accepted'], appType: 'channel' }), ADD).events).toMatch(/order-accepted/);
  });

  it('checks auth fields only when they are being sent', () => {
    const form = valid({ authKind: 'header', authName: 'bad name', authValue: '' });
    const errors = validate(form, ADD);
    expect(errors['auth.name']).toBeDefined();
    expect(errors['auth.value']).toBeDefined();
    expect(validate(form, { ...ADD, authEditable: false })).toEqual({});
    expect(validate(valid({ signatureKind: 'source_key' }), ADD)['signature.key']).toBeDefined();
    expect(validate(valid({ signatureKind: 'signature_key' }), ADD)['signature.key']).toBeUndefined();
  });

  it('requires a 6-digit code when private network is newly allowed, and a sane timeout', () => {
    const ctx = { ...ADD, needsTotp: true };
    expect(validate(valid({ totpCode: '12345' }), ctx).totpCode).toBeDefined();
    expect(validate(valid({ totpCode: '123456' }), ctx)).toEqual({});
    expect(validate(valid({ timeoutMs: null }), ADD).timeoutMs).toBeDefined();
    expect(validate(valid({ timeoutMs: 10 }), ADD).timeoutMs).toBeDefined();
  });
});

describe('toInput', () => {
  it('builds the command input', () => {
    const input = toInput(
      valid({ storesMode: 'pick', stores: ['store-1'], authKind: 'bearer', authValue: 't0k', signatureKind: 'signature_key', signatureKey: 'k' }),
      ADD,
    );
    expect(input).toMatchObject({
      stores: ['store-1'],
      appType: null,
      auth: { kind: 'bearer', token: 't0k' },
      signature: { kind: 'x-signature', keySource: 'signature_key', key: 'k' },
    });
  });

  it('sends no secrets when auth is kept', () => {
    const input = toInput(formFromHook(hookView()), { ...ADD, authEditable: false });
    expect(input.auth).toEqual({ kind: 'none' });
    expect(input.signature).toEqual({ kind: 'none' });
    expect(input.retryPreset).toBe('usaepay');
  });
});

it('maps server field names onto form inputs', () => {
  expect(formField('auth.token')).toBe('auth.value');
  expect(formField('url')).toBe('url');
});
