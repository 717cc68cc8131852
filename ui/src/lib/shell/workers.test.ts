import { describe, expect, it } from 'vitest';
import { beatAgo, throughput } from './workers';

const w = {
  id: 'w1',
  host: 'till-1',
  pid: 42,
  kind: 'serve',
  startedAt: 1_000_000,
  heartbeatAt: 1_010_000,
  delivered: 125,
};

describe('worker figures', () => {
  it('reads throughput over the worker life so far', () => {
    expect(throughput(w)).toBe('12.5/s');
    expect(throughput({ ...w, heartbeatAt: w.startedAt })).toBe('0.0/s');
  });
  it('says how long ago the last heartbeat was', () => {
    expect(beatAgo(w, 1_014_400)).toBe('4 s ago');
    expect(beatAgo(w, 1_010_000 + 600_000)).toBe('10 min ago');
    expect(beatAgo(w, 1_000_000)).toBe('0 s ago');
  });
});
