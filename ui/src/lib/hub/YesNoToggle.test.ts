import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import YesNoToggle from './YesNoToggle.svelte';

describe('YesNoToggle', () => {
  it('shows YES/NO and flips aria-pressed on click', async () => {
    const { container } = render(YesNoToggle, { props: { id: 'hub-open-toggle', label: 'Open', value: false } });
    const button = container.querySelector('#hub-open-toggle') as HTMLButtonElement;
    expect(button.textContent?.trim()).toBe('NO');
    expect(button.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(button);
    expect(button.textContent?.trim()).toBe('YES');
    expect(button.getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(button);
    expect(button.textContent?.trim()).toBe('NO');
  });

  it('starts from the given value and stays put when disabled', async () => {
    const { container } = render(YesNoToggle, { props: { id: 't', label: 'T', value: true, disabled: true } });
    const button = container.querySelector('#t') as HTMLButtonElement;
    expect(button.textContent?.trim()).toBe('YES');
    await fireEvent.click(button);
    expect(button.getAttribute('aria-pressed')).toBe('true');
  });
});
