/** Seconds shown before the idle lock: the warning appears this long before it. */
export const WARN_MS = 60_000;

export type IdleView = { kind: 'none' } | { kind: 'warn'; seconds: number } | { kind: 'due' };

/** What the idle timer shows at `now` for a session unlocked until `expiresAt` (null: not unlocked). */
export function idleView(expiresAt: number | null, now: number): IdleView {
  if (expiresAt === null) return { kind: 'none' };
  const left = expiresAt - now;
  if (left <= 0) return { kind: 'due' };
  if (left <= WARN_MS) return { kind: 'warn', seconds: Math.ceil(left / 1000) };
  return { kind: 'none' };
}
