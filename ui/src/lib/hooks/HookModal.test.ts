import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import HookModal from './HookModal.svelte';
import { CATALOG, STORES, hookView } from './fixtures';

function $(container: HTMLElement, selector: string): HTMLElement {
  const el = container.querySelector(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el as HTMLElement;
}

function setup(hook: ReturnType<typeof hookView> | null = null) {
  const handlers = { onclose: vi.fn(), onsaved: vi.fn(), ondeleted: vi.fn() };
  const r = render(HookModal, { props: { hook, catalog: CATALOG, stores: STORES, ...handlers } });
  return { ...r, ...handlers };
}

function fieldError(container: HTMLElement, field: string): string | null {
  return container.querySelector(`.field-error[data-field="${field}"]`)?.textContent ?? null;
}

describe('HookModal in add mode', () => {
  it('shows Add Hook and refuses an empty form without calling the core', async () => {
    const ipc = vi.fn();
    mockIPC(ipc);
    const { container } = setup();
    expect($(container, '#hook-submit').textContent?.trim()).toBe('Add Hook');
    expect(container.querySelector('#hook-delete')).toBeNull();
    expect(container.querySelector('#hook-reset-auth')).toBeNull();
    await fireEvent.click($(container, '#hook-submit'));
    expect(fieldError(container, 'label')).toBeTruthy();
    expect(fieldError(container, 'url')).toBeTruthy();
    expect(fieldError(container, 'events')).toBeTruthy();
    expect(ipc).not.toHaveBeenCalled();
  });

  it('creates a hook and shows a server field error under its input', async () => {
    let calls = 0;
    let sent: unknown;
    mockIPC((cmd, args) => {
      expect(cmd).toBe('hook_create');
      sent = args;
      calls += 1;
      if (calls === 1) throw { code: 'invalid', message: 'host does not resolve', field: 'url' };
      return hookView({ id: 'new-hook' });
    });
    const { container, onsaved } = setup();
    await fireEvent.input($(container, '#hook-label'), { target: { value: 'Cart sync' } });
    await fireEvent.input($(container, '#hook-url'), { target: { value: 'https://cart.example.com/h' } });
    await fireEvent.click($(container, 'input.hook-event[value="transaction.sale.success"]'));
    await fireEvent.change($(container, '#hook-auth-kind'), { target: { value: 'basic' } });
    await fireEvent.input($(container, '#hook-auth-username'), { target: { value: 'shop' } });
    await fireEvent.input($(container, '#hook-auth-password'), { target: { value: 'pw' } });
    await fireEvent.click($(container, '#hook-submit'));
    await waitFor(() => expect(fieldError(container, 'url')).toBe('host does not resolve'));
    expect(sent).toMatchObject({
      input: { label: 'Cart sync', events: ['transaction.sale.success'], auth: { kind: 'basic', username: 'shop', password: 'pw' } },
    });
    await fireEvent.click($(container, '#hook-submit'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
  });

  it('asks for a two-factor code when private network is ticked', async () => {
    const { container } = setup();
    expect(container.querySelector('#hook-totp')).toBeNull();
    await fireEvent.click($(container, '#hook-allow-private'));
    expect(container.querySelector('#hook-totp')).not.toBeNull();
  });

  it('shows the app type only for order-status events', async () => {
    const { container } = setup();
    expect(container.querySelector('#hook-app-type')).toBeNull();
    await fireEvent.click($(container, 'input.hook-event[value="order-accepted"]'));
    expect(container.querySelector('#hook-app-type')).not.toBeNull();
  });
});

describe('HookModal in edit mode', () => {
  it('keeps auth locked until Reset Webhook Authentication, which toggles to Keep Current Configuration', async () => {
    const { container } = setup(hookView());
    expect($(container, '#hook-submit').textContent?.trim()).toBe('Save Changes');
    const reset = $(container, '#hook-reset-auth');
    expect(reset.textContent?.trim()).toBe('Reset Webhook Authentication');
    expect(($(container, '#hook-auth-kind') as HTMLSelectElement).disabled).toBe(true);
    expect(container.querySelector('#hook-auth-password')).toBeNull();
    expect($(container, '#hook-auth-current').textContent).toContain('••••word');

    await fireEvent.click(reset);
    expect(reset.textContent?.trim()).toBe('Keep Current Configuration');
    expect(($(container, '#hook-auth-kind') as HTMLSelectElement).disabled).toBe(false);
    expect(container.querySelector('#hook-auth-password')).not.toBeNull();

    await fireEvent.click(reset);
    expect(reset.textContent?.trim()).toBe('Reset Webhook Authentication');
    expect(($(container, '#hook-auth-kind') as HTMLSelectElement).disabled).toBe(true);
  });

  it('sends resetAuth and the new auth only after a reset', async () => {
    const sent: Record<string, unknown>[] = [];
    mockIPC((_cmd, args) => {
      sent.push(args as Record<string, unknown>);
      return hookView();
    });
    const { container, onsaved } = setup(hookView());
    await fireEvent.click($(container, '#hook-submit'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
    expect(sent[0]).toMatchObject({ id: 'hook-1', resetAuth: false, input: { auth: { kind: 'none' } } });

    await fireEvent.click($(container, '#hook-reset-auth'));
    await fireEvent.input($(container, '#hook-auth-password'), { target: { value: 'new-pass' } });
    await fireEvent.input($(container, '#hook-signature-key'), { target: { value: 'sig' } });
    await fireEvent.click($(container, '#hook-submit'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(2));
    expect(sent[1]).toMatchObject({
      resetAuth: true,
      input: { auth: { kind: 'basic', username: 'shop', password: 'new-pass' }, signature: { key: 'sig' } },
    });
  });

  it('closes at once when nothing changed', async () => {
    const { container, onclose } = setup(hookView());
    await fireEvent.click($(container, '#hook-close'));
    expect(onclose).toHaveBeenCalledTimes(1);
    expect(container.querySelector('#confirm-modal')).toBeNull();
  });

  it('asks to abandon unsaved changes on Close', async () => {
    const { container, onclose } = setup(hookView());
    await fireEvent.input($(container, '#hook-label'), { target: { value: 'Renamed' } });
    await fireEvent.click($(container, '#hook-close'));
    const confirm = $(container, '#confirm-modal');
    expect($(confirm, '#confirm-yes').textContent?.trim()).toBe('Abandon Changes');
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click($(confirm, '#confirm-no'));
    expect(container.querySelector('#confirm-modal')).toBeNull();
    expect(($(container, '#hook-label') as HTMLInputElement).value).toBe('Renamed');

    await fireEvent.click($(container, '#hook-close'));
    await fireEvent.click($(container, '#confirm-yes'));
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('deletes only after confirming', async () => {
    const cmds: string[] = [];
    mockIPC((cmd) => {
      cmds.push(cmd);
      return null;
    });
    const { container, ondeleted } = setup(hookView());
    await fireEvent.click($(container, '#hook-delete'));
    expect(container.querySelector('#confirm-modal')).not.toBeNull();
    expect(cmds).toEqual([]);
    await fireEvent.click($(container, '#confirm-yes'));
    await waitFor(() => expect(ondeleted).toHaveBeenCalledWith('hook-1'));
    expect(cmds).toEqual(['hook_delete']);
  });
});
