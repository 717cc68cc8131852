import { mockIPC } from '@tauri-apps/api/mocks';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import HookModal from '../hooks/HookModal.svelte';
import { CATALOG, STORES, hookView } from '../hooks/fixtures';

// The shared Modal is exercised through the hook modal, the busiest one: what holds there holds for every
// dialog built on Modal.

function $(selector: string): HTMLElement {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el as HTMLElement;
}

function focused(): string {
  const el = document.activeElement;
  return el?.id ? `#${el.id}` : (el?.tagName ?? 'none');
}

function openModal(hook: ReturnType<typeof hookView> | null = null) {
  mockIPC(() => null);
  const opener = document.createElement('button');
  opener.id = 'opener';
  document.body.appendChild(opener);
  opener.focus();
  const handlers = { onclose: vi.fn(), onsaved: vi.fn(), ondeleted: vi.fn() };
  const r = render(HookModal, { props: { hook, catalog: CATALOG, stores: STORES, ...handlers } });
  return { ...r, ...handlers, opener };
}

describe('Modal keyboard handling', () => {
  it('moves focus to the first field on open and back to the opener on close', async () => {
    const { unmount, opener } = openModal();
    await waitFor(() => expect(focused()).toBe('#hook-label'));
    unmount();
    await waitFor(() => expect(document.activeElement).toBe(opener));
    opener.remove();
  });

  it('keeps Tab and Shift+Tab inside the dialog', async () => {
    const { opener } = openModal(hookView());
    await waitFor(() => expect(focused()).toBe('#hook-label'));
    await fireEvent.keyDown($('#hook-label'), { key: 'Tab', shiftKey: true });
    expect(focused()).toBe('#hook-submit');
    await fireEvent.keyDown($('#hook-submit'), { key: 'Tab' });
    expect(focused()).toBe('#hook-label');
    // Focus that strayed outside (a click on the page behind) comes back in with the next Tab.
    opener.focus();
    await fireEvent.keyDown(opener, { key: 'Tab' });
    expect(focused()).toBe('#hook-label');
    opener.remove();
  });

  it('closes on Esc at once when nothing changed', async () => {
    const { onclose, opener } = openModal(hookView());
    await waitFor(() => expect(focused()).toBe('#hook-label'));
    await fireEvent.keyDown($('#hook-label'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledOnce();
    opener.remove();
  });

  it('asks before Esc abandons changes, and Esc in the question keeps editing', async () => {
    const { onclose, opener } = openModal(hookView());
    await waitFor(() => expect(focused()).toBe('#hook-label'));
    await fireEvent.input($('#hook-label'), { target: { value: 'Renamed' } });
    await fireEvent.keyDown($('#hook-label'), { key: 'Escape' });
    expect(onclose).not.toHaveBeenCalled();
    await waitFor(() => expect(focused()).toBe('#confirm-no'));
    // Only the top dialog answers: this Esc closes the question, not the form under it.
    await fireEvent.keyDown($('#confirm-no'), { key: 'Escape' });
    await tick();
    expect(document.querySelector('#confirm-modal')).toBeNull();
    expect(onclose).not.toHaveBeenCalled();
    await waitFor(() => expect(focused()).toBe('#hook-label'));
    await fireEvent.keyDown($('#hook-label'), { key: 'Escape' });
    await waitFor(() => expect(document.querySelector('#confirm-yes')).not.toBeNull());
    await fireEvent.click($('#confirm-yes'));
    expect(onclose).toHaveBeenCalledOnce();
    opener.remove();
  });
});

describe('FieldError', () => {
  it('marks the input invalid and points it at its error, then lets go once fixed', async () => {
    const { opener } = openModal();
    await fireEvent.click($('#hook-submit'));
    const url = $('#hook-url');
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    const errorId = url.getAttribute('aria-describedby') ?? '';
    expect($(`#${errorId}`).textContent).toBe($('.field-error[data-field="url"]').textContent);
    // The events error belongs to the checkbox group, not to the filter box above it.
    const group = $('.events[role="group"]');
    expect(group.getAttribute('aria-invalid')).toBe('true');
    expect($('#hook-events-filter').getAttribute('aria-invalid')).toBeNull();
    // Ids are unique even where field names repeat across forms.
    const ids = Array.from(document.querySelectorAll('.field-error')).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    await fireEvent.input(url, { target: { value: 'https://partner.example.com/h' } });
    await fireEvent.input($('#hook-label'), { target: { value: 'Partner' } });
    await fireEvent.click($('input.hook-event[value="transaction.sale.success"]'));
    await fireEvent.click($('#hook-submit'));
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBeNull());
    expect(url.getAttribute('aria-describedby')).toBeNull();
    opener.remove();
  });
});
