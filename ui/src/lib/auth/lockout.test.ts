import { describe, expect, it } from 'vitest';
import { lockoutEnd, lockoutNotice } from './lockout';

describe('lockout', () => {
  it('reads the end from the core message', () => {
    const msg = 'too many wrong codes: locked until 2026-11-29T14:05:00Z';
    expect(lockoutEnd(msg)).toBe(Date.UTC(2026, 10, 29, 14, 5, 0));
    expect(lockoutEnd('wrong code')).toBeNull();
  });

  it('counts down in minutes and seconds and ends', () => {
    const end = Date.UTC(2026, 10, 29, 14, 5, 0);
    const notice = lockoutNotice(end, end - 272_000);
    expect(notice).toContain('(in 4:32)');
    expect(notice).not.toContain('Z');
    expect(lockoutNotice(end, end)).toBeNull();
  });
});
