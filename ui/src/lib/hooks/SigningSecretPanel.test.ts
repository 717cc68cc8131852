import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { session } from '../auth/session.svelte';
import HookModal from './HookModal.svelte';
import SigningSecretPanel from './SigningSecretPanel.svelte';
import { CATALOG, STORES, hookView } from './fixtures';

function $(container: HTMLElement, selector: string): HTMLElement {
  const el = container.querySelector(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el as HTMLElement;
}

const STANDARD = hookView({ signature: { kind: 'standard', secret: '••••Paw=' } });

describe('SigningSecretPanel', () => {
  it('checks the code before calling the core, then shows the revealed secret and hides it after 60 s', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return 'whsec_revealed';
    });
    const { container } = render(SigningSecretPanel, { props: { hook: STANDARD, canManage: true, onchanged: vi.fn() } });
    expect($(container, '#signing-secret-masked').textContent).toBe('••••Paw=');
    await fireEvent.click($(container, '#secret-reveal'));
    await fireEvent.input($(container, '#secret-code'), { target: { value: '12' } });
    await fireEvent.click($(container, '#secret-confirm'));
    expect($(container, '#secret-action-error').textContent).toContain('6-digit');
    expect(calls).toEqual([]);
    await fireEvent.input($(container, '#secret-code'), { target: { value: '123456' } });
    await fireEvent.click($(container, '#secret-confirm'));
    await waitFor(() => expect(($(container, '#signing-secret-value') as HTMLInputElement).value).toBe('whsec_revealed'));
    expect(calls).toEqual([['hook_reveal_secret', { id: 'hook-1', totpCode: '123456' }]]);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(container.querySelector('#signing-secret-value')).toBeNull();
    vi.useRealTimers();
  });

  it('shows the core refusal and offers no overlap for X-Signature', async () => {
    mockIPC(() => {
      throw { code: 'invalid', message: 'this code was already used: wait for the next one', field: 'code' };
    });
    const xsig = hookView();
    const { container } = render(SigningSecretPanel, { props: { hook: xsig, canManage: true, onchanged: vi.fn() } });
    await fireEvent.click($(container, '#secret-roll'));
    expect(container.querySelector('#secret-overlap')).toBeNull();
    expect($(container, '#secret-xsig-note').textContent).toContain('one signature');
    await fireEvent.input($(container, '#secret-code'), { target: { value: '123456' } });
    await fireEvent.click($(container, '#secret-confirm'));
    await waitFor(() => expect($(container, '#secret-action-error').textContent).toContain('already used'));
    expect($(container, '#secret-code').getAttribute('aria-invalid')).toBe('true');
  });

  it('offers no actions to a role that may not manage secrets', () => {
    const { container } = render(SigningSecretPanel, { props: { hook: STANDARD, canManage: false, onchanged: vi.fn() } });
    expect(container.querySelector('#secret-reveal')).toBeNull();
    expect(container.querySelector('#secret-roll')).toBeNull();
  });
});

describe('HookModal, edit mode', () => {
  it('shows the current authentication as the core sends it, and support cannot save or delete', () => {
    mockIPC(() => null);
    const props = { catalog: CATALOG, stores: STORES, onclose: vi.fn(), onsaved: vi.fn(), ondeleted: vi.fn() };
    const { container, unmount } = render(HookModal, { props: { hook: hookView(), ...props } });
    expect($(container, '#hook-auth-current').textContent).toBe('Current: Basic, user shop, password ••••word');
    expect($(container, '#hook-signature-current').textContent).toBe('Current: ••••1234');
    unmount();
    session.set({ user: { name: 'sam', role: 'support' } } as never);
    const support = render(HookModal, { props: { hook: hookView(), ...props } });
    expect(support.container.querySelector('#hook-submit')).toBeNull();
    expect(support.container.querySelector('#hook-delete')).toBeNull();
    expect(support.container.querySelector('#secret-reveal')).toBeNull();
    session.state = null;
  });
});
