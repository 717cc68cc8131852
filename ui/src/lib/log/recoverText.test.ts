import { describe, expect, it } from 'vitest';
import { recoverText } from './recoverText';

const base = { queued: 3, delivered: 0, gaveUp: 0, stillFailing: 0, waiting: 3, finished: false };

describe('recoverText', () => {
  it('says what is waiting, failing and delivered instead of a bare count', () => {
    expect(recoverText(base)).toBe('3 queued again: 0 delivered, 3 waiting.');
    const failing = recoverText({ ...base, waiting: 0, stillFailing: 2, delivered: 1 });
    expect(failing).toContain('1 delivered, 2 still failing (retrying)');
    expect(failing).toContain('You can close this');
  });

  it('ends with the outcome, given-up deliveries included', () => {
    expect(recoverText({ ...base, waiting: 0, delivered: 2, gaveUp: 1, finished: true })).toBe(
      'Done. 3 queued again: 2 delivered, 1 gave up.',
    );
    expect(recoverText({ ...base, queued: 0, waiting: 0, finished: true })).toContain('Nothing to recover');
  });
});
