import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import Background from './Background.svelte';
import { nav } from './nav.svelte';

function shell(name: string, detail: unknown = null) {
  window.dispatchEvent(new CustomEvent(`hookdesk:${name}`, { detail }));
}

describe('Background', () => {
  it('asks on close and sends the choice to the shell', async () => {
    const ipc = vi.fn().mockResolvedValue(null);
    mockIPC(ipc);
    const { container } = render(Background);
    expect(container.querySelector('#close-modal')).toBeNull();
    shell('close-asked');
    await waitFor(() => expect(container.querySelector('#close-modal')).not.toBeNull());
    await fireEvent.click(container.querySelector('#close-keep') as HTMLElement);
    await waitFor(() => expect(container.querySelector('#close-modal')).toBeNull());
    expect(ipc).toHaveBeenCalledWith('close_choice', { choice: 'background' });
  });

  it('shows an alert banner whose button opens the log on the hook', async () => {
    mockIPC(vi.fn());
    const { container } = render(Background);
    shell('alert', { kind: 'hook_disabled', hookId: 'h-1', title: 'Webhook “POS” was turned off', body: '410' });
    await waitFor(() => expect(container.querySelector(".alert-banner[data-hook='h-1']")).not.toBeNull());
    const before = nav.logRequest;
    await fireEvent.click(container.querySelector('.alert-open') as HTMLElement);
    expect(nav.screen).toBe('log');
    expect(nav.logHook).toBe('h-1');
    expect(nav.logRequest).toBe(before + 1);
    await fireEvent.click(container.querySelector('.alert-dismiss') as HTMLElement);
    await waitFor(() => expect(container.querySelector('.alert-banner')).toBeNull());
  });
});
