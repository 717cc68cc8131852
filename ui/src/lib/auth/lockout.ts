/** The end of a lockout named in a `locked_out` message (an RFC 3339 time), in ms; null if none. */
export function lockoutEnd(message: string): number | null {
  const m = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/.exec(message);
  if (!m) return null;
  const t = Date.parse(m[0]);
  return Number.isNaN(t) ? null : t;
}

/** "Too many wrong codes: try again at 14:05 (in 4:32)." in local time; null once the lockout is over. */
export function lockoutNotice(endMs: number, now: number): string | null {
  const left = Math.ceil((endMs - now) / 1000);
  if (left <= 0) return null;
  const at = new Date(endMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const mm = Math.floor(left / 60);
  const ss = String(left % 60).padStart(2, '0');
  return `Too many wrong codes: try again at ${at} (in ${mm}:${ss}).`;
}
