import { mockIPC } from '@tauri-apps/api/mocks';
import { render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StorageBanner from './StorageBanner.svelte';

describe('StorageBanner', () => {
  it('says writes are failing while the core reports a storage problem', async () => {
    mockIPC((cmd) => {
      if (cmd === 'storage_status') return { sinceMs: 1, message: 'database error: database or disk is full' };
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(StorageBanner);
    await waitFor(() => expect(container.querySelector('#storage-banner')?.textContent).toContain('disk is full'));
  });

  it('shows nothing while writes succeed', async () => {
    let asked = false;
    mockIPC((cmd) => {
      if (cmd === 'storage_status') {
        asked = true;
        return null;
      }
      throw { code: 'not_found', message: cmd };
    });
    const { container } = render(StorageBanner);
    await waitFor(() => expect(asked).toBe(true));
    expect(container.querySelector('#storage-banner')).toBeNull();
  });
});
