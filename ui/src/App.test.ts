import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { nav } from './lib/shell/nav.svelte';

const STATUS = {
  version: '0.1.0',
  dataDir: '/tmp/hd',
  backend: 'sqlite',
  database: '/tmp/hd/hookdesk.db',
  databaseHost: null,
  workersAlive: 0,
  schemaVersion: 3,
};
const ADMIN = { id: 1, name: 'ada', role: 'admin' as const, totpEnrolled: true, disabled: false, lockedUntilMs: null, createdAtMs: 1 };

function el(container: HTMLElement, selector: string): HTMLElement {
  const found = container.querySelector(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found as HTMLElement;
}

describe('App shell', () => {
  it('shows the status panel and first-run setup before anyone signs in', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_status') return STATUS;
      if (cmd === 'auth_state') return { needsSetup: true, user: null, unlocked: false, idleExpiresAtMs: null };
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(App);
    await waitFor(() => expect(el(container, '#status-version').textContent).toBe('0.1.0'));
    expect(el(container, '#status-data-dir').textContent).toBe('/tmp/hd');
    expect(el(container, '#status-schema-version').textContent).toBe('3');
    await waitFor(() => el(container, '#setup-submit'));
  });

  it('shows the status error when app_status fails', async () => {
    mockIPC((cmd) => {
      if (cmd === 'app_status') throw { code: 'database', message: 'database error: disk full' };
      return { needsSetup: false, user: null, unlocked: false, idleExpiresAtMs: null };
    });
    const { container } = render(App);
    await waitFor(() => expect(el(container, '#status-error').textContent).toBe('database error: disk full'));
    await waitFor(() => el(container, '#signin-submit'));
  });

  it('lists admin screens and drops to the code prompt when the core says locked', async () => {
    nav.go('hooks');
    mockIPC((cmd) => {
      switch (cmd) {
        case 'app_status':
          return STATUS;
        case 'auth_state':
          return { needsSetup: false, user: ADMIN, unlocked: true, idleExpiresAtMs: null };
        case 'catalog':
        case 'stores_list':
          return [];
        case 'hooks_list':
          throw { code: 'locked', message: 'the session is locked' };
      }
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(App);
    await waitFor(() => el(container, '#lock-button'));
    const labels = Array.from(container.querySelectorAll('.nav-item'), (b) => b.textContent?.trim());
    expect(labels).toEqual(['Stores', 'Webhooks', 'Integration Hub', 'Delivery log', 'Dashboard', 'Users', 'Audit log', 'Settings', 'Security']);
    await waitFor(() => el(container, '#unlock-code'));
    expect(container.querySelector('#lock-button')).toBeNull();
    expect(container.querySelector('#status-panel')).not.toBeNull();
  });

  it('hides admin screens from other roles', async () => {
    nav.go('stores');
    mockIPC((cmd) => {
      if (cmd === 'app_status') return STATUS;
      if (cmd === 'auth_state') return { needsSetup: false, user: { ...ADMIN, role: 'support' }, unlocked: true, idleExpiresAtMs: null };
      if (cmd === 'stores_list') return [];
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(App);
    // Support reads stores without the form that would change them.
    await waitFor(() => el(container, '#stores-read-only'));
    expect(container.querySelector('#store-submit')).toBeNull();
    const labels = Array.from(container.querySelectorAll('.nav-item'), (b) => b.textContent?.trim());
    expect(labels).not.toContain('Users');
    expect(labels).not.toContain('Audit log');
    expect(labels).toContain('Security');
    await fireEvent.click(el(container, '[data-screen="hub"]'));
    await waitFor(() => expect(container.querySelector('h1')?.textContent).toBe('Integration Hub'));
    await fireEvent.click(el(container, '#hub-order-webhook'));
    await waitFor(() => expect(container.querySelector('h1')?.textContent).toContain('Order webhook'));
  });
});
