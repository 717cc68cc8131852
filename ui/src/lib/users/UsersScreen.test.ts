import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { session } from '../auth/session.svelte';
import UsersScreen from './UsersScreen.svelte';

const ADA = { id: 1, name: 'ada', role: 'admin' as const, totpEnrolled: true, disabled: false, lockedUntilMs: null, createdAtMs: 1 };
const BOB = { id: 2, name: 'bob', role: 'manager' as const, totpEnrolled: true, disabled: false, lockedUntilMs: null, createdAtMs: 1 };

function el(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found as HTMLElement;
}

describe('Users screen actions', () => {
  it('asks for a code, sends the action with it, and shows a refused code in the prompt', async () => {
    session.set({ needsSetup: false, user: ADA, unlocked: true, idleExpiresAtMs: null });
    let bob = { ...BOB };
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'users_list') return [ADA, bob];
      if (cmd === 'settings_get') return { idleMinutes: 15 };
      if (cmd === 'user_set_disabled') {
        const a = args as { code: string; disabled: boolean };
        if (a.code !== '123456') throw { code: 'invalid', message: 'wrong code', field: 'code' };
        bob = { ...bob, disabled: a.disabled };
        return bob;
      }
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(UsersScreen);
    await waitFor(() => el(container, "tr[data-name='bob'] .user-disable"));
    // Nobody disables themselves: no button on the admin's own row.
    expect(container.querySelector("tr[data-name='ada'] .user-disable")).toBeNull();

    await fireEvent.click(el(container, "tr[data-name='bob'] .user-disable"));
    const input = el(container, '#code-modal-code') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '12' } });
    await fireEvent.submit(input.form as HTMLFormElement);
    expect(el(container, '#code-modal-error').textContent).toContain('6-digit');
    expect(calls.some(([c]) => c === 'user_set_disabled')).toBe(false);

    await fireEvent.input(input, { target: { value: '654321' } });
    await fireEvent.submit(input.form as HTMLFormElement);
    await waitFor(() => expect(el(container, '#code-modal-error').textContent).toBe('wrong code'));

    await fireEvent.input(input, { target: { value: '123456' } });
    await fireEvent.submit(input.form as HTMLFormElement);
    await waitFor(() => expect(container.querySelector('#code-modal')).toBeNull());
    await waitFor(() => expect(el(container, "tr[data-name='bob'] .user-status").textContent).toBe('Disabled'));
    expect(calls).toContainEqual(['user_set_disabled', { name: 'bob', disabled: true, code: '123456' }]);
  });
});
