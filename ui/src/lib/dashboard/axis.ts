const HOUR = 3_600_000;

/** A bar's start as the chart's axis shows it: the local time of day for hourly bars, else the date. */
export function axisLabel(startMs: number, bucketMs: number): string {
  const d = new Date(startMs);
  if (bucketMs < 24 * HOUR) {
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return bucketMs < HOUR * 6 ? time : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
  }
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}
