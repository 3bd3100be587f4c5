/** An instant as local date and time in a zone, for people, e.g. "2026-11-09 10:00 America/New_York". */
export function localTime(instant: string | number, timeZone: string): string {
  return `${new Date(instant).toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16)} ${timeZone}`;
}
