// How the workers' heartbeats read in a table (README, Team mode).
import type { WorkerRow } from '../types';

/// Deliveries per second over the worker's life so far, one decimal.
export function throughput(w: WorkerRow): string {
  const secs = (w.heartbeatAt - w.startedAt) / 1000;
  if (secs <= 0) return '0.0/s';
  return `${(w.delivered / secs).toFixed(1)}/s`;
}

/// "4 s ago", "2 min ago": how long since the worker's last heartbeat.
export function beatAgo(w: WorkerRow, now: number): string {
  const secs = Math.max(0, Math.round((now - w.heartbeatAt) / 1000));
  return secs < 120 ? `${secs} s ago` : `${Math.round(secs / 60)} min ago`;
}
