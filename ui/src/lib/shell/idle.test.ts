import { describe, expect, it } from 'vitest';
import { idleView, WARN_MS } from './idle';

describe('idleView', () => {
  const t = 1_000_000;

  it('is quiet while more than a minute is left and when not unlocked', () => {
    expect(idleView(t + WARN_MS + 1, t)).toEqual({ kind: 'none' });
    expect(idleView(null, t)).toEqual({ kind: 'none' });
  });

  it('warns with the seconds left in the last minute, rounding up', () => {
    expect(idleView(t + WARN_MS, t)).toEqual({ kind: 'warn', seconds: 60 });
    expect(idleView(t + 1, t)).toEqual({ kind: 'warn', seconds: 1 });
  });

  it('is due once the time has passed', () => {
    expect(idleView(t, t)).toEqual({ kind: 'due' });
    expect(idleView(t - 5, t)).toEqual({ kind: 'due' });
  });
});
