import type { RecoverProgress } from '../types';

/** The recovery's state in words: what was queued again and where each delivery stands now. */
export function recoverText(p: RecoverProgress): string {
  if (p.queued === 0) return p.finished ? 'Nothing to recover: no failed or dead deliveries since then.' : 'Queuing…';
  const parts = [`${p.delivered} delivered`];
  if (p.stillFailing > 0) parts.push(`${p.stillFailing} still failing (retrying)`);
  if (p.waiting > 0) parts.push(`${p.waiting} waiting`);
  if (p.gaveUp > 0) parts.push(`${p.gaveUp} gave up`);
  const head = `${p.queued} queued again: ${parts.join(', ')}.`;
  if (p.finished) return `Done. ${head}`;
  return p.stillFailing > 0
    ? `${head} You can close this: Hookdesk keeps retrying them, and the log shows how they end.`
    : head;
}
