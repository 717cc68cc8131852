import { describe, expect, it } from 'vitest';
import { recoveryFileText } from './recoveryFile';

describe('recoveryFileText', () => {
  it('lists every code on its own line under a heading naming the user', () => {
    const codes = ['abcd-efgh-jkmn', 'pqrs-tuvw-xyza'];
    const text = recoveryFileText(codes, 'ana');
    const lines = text.split('\n');
    expect(lines[0]).toContain('ana');
    for (const c of codes) expect(lines).toContain(c);
    expect(text.endsWith('\n')).toBe(true);
  });
});
