// The day a signature may carry: never later than the agreements service's own today (UTC).

function isoDay(year: number, month: number, date: number): string {
  return `${year}-${String(month + 1).padStart(2, "0")}-${String(date).padStart(2, "0")}`;
}

/** Today as the person sees it, unless the service (which counts in UTC) is still on yesterday:
 * a signature dated later than the service's today is refused as in the future. */
export function signingDay(now: Date = new Date()): string {
  const local = isoDay(now.getFullYear(), now.getMonth(), now.getDate());
  const utc = isoDay(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return local < utc ? local : utc;
}
