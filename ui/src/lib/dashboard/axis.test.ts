import { describe, expect, it } from 'vitest';
import { axisLabel } from './axis';

const HOUR = 3_600_000;

describe('axisLabel', () => {
  const at = new Date(2026, 10, 29, 14, 0).getTime();

  it('shows the time of day for hourly bars', () => {
    const label = axisLabel(at, HOUR);
    expect(label).toMatch(/14|2/);
    expect(label).not.toMatch(/Nov/);
  });

  it('adds the date for six-hour bars and shows only the date for days', () => {
    expect(axisLabel(at, 6 * HOUR)).toMatch(/Nov/);
    expect(axisLabel(at, 24 * HOUR)).toMatch(/Nov 29|29 Nov/);
    expect(axisLabel(at, 24 * HOUR)).not.toMatch(/:/);
  });
});
