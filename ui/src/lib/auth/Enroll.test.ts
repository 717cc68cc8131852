import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Gate from './Gate.svelte';
import { session } from './session.svelte';

const CODES = Array.from({ length: 10 }, (_, i) => `code-${i}`);
const USER = { id: 1, name: 'ada', role: 'admin' as const, totpEnrolled: false, disabled: false, lockedUntilMs: null, createdAtMs: 1 };

describe('enrollment', () => {
  it('shows QR and key, confirms a code, then lists the recovery codes once', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      switch (cmd) {
        case 'begin_enrollment':
          return { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/x', qrPngBase64: 'iVBORw0KGgo=' };
        case 'confirm_enrollment':
          if ((args as { code: string }).code === '000000') throw { code: 'unauthorized', message: 'wrong code' };
          return { recoveryCodes: CODES };
        case 'auth_state':
          return { needsSetup: false, user: { ...USER, totpEnrolled: true }, unlocked: true, idleExpiresAtMs: null };
      }
      throw { code: 'not_found', message: cmd };
    });
    session.set({ needsSetup: false, user: USER, unlocked: false, idleExpiresAtMs: null });
    const { container } = render(Gate);

    const qr = await waitFor(() => {
      const el = container.querySelector('#enroll-qr');
      if (!el) throw new Error('no QR yet');
      return el as HTMLImageElement;
    });
    expect(qr.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    // Grouped in fours, as authenticator apps show keys, so it can be typed without losing the place.
    expect(container.querySelector('#enroll-secret')?.textContent).toBe('JBSW Y3DP EHPK 3PXP');
    expect(container.querySelector('#unlock-code')).toBeNull();

    const input = container.querySelector('#enroll-code') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '000000' } });
    await fireEvent.click(container.querySelector('#enroll-submit') as HTMLElement);
    await waitFor(() => expect(container.querySelector('#enroll-error')?.textContent).toBe('wrong code'));

    await fireEvent.input(input, { target: { value: '123456' } });
    await fireEvent.click(container.querySelector('#enroll-submit') as HTMLElement);
    const items = await waitFor(() => {
      const li = container.querySelectorAll('#recovery-codes li');
      if (li.length === 0) throw new Error('no codes yet');
      return li;
    });
    expect(Array.from(items, (li) => li.textContent)).toEqual(CODES);

    await fireEvent.click(container.querySelector('#recovery-done') as HTMLElement);
    await waitFor(() => expect(session.state?.unlocked).toBe(true));
    expect(calls.map(([c]) => c)).toEqual(['begin_enrollment', 'confirm_enrollment', 'confirm_enrollment', 'auth_state']);
  });

  it('shows the code prompt for an enrolled user, with a recovery-code switch', async () => {
    mockIPC((cmd) => {
      if (cmd === 'unlock') throw { code: 'unauthorized', message: 'wrong code' };
      throw { code: 'not_found', message: cmd };
    });
    session.set({ needsSetup: false, user: { ...USER, totpEnrolled: true }, unlocked: false, idleExpiresAtMs: null });
    const { container, getByText } = render(Gate);
    expect(container.querySelector('#enroll-qr')).toBeNull();
    await fireEvent.input(container.querySelector('#unlock-code') as HTMLElement, { target: { value: '123456' } });
    await fireEvent.click(container.querySelector('#unlock-submit') as HTMLElement);
    await waitFor(() => expect(container.querySelector('#unlock-error')?.textContent).toBe('wrong code'));
    await fireEvent.click(getByText('Use a recovery code'));
    expect(container.querySelector('label[for="unlock-code"]')?.textContent).toBe('Recovery code');
  });
});
