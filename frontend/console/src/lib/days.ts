// Calendar days as the server counts them: in the workspace's time zone, as YYYY-MM-DD.
// A period's days are read in that zone on the server, so "today" must be the workspace's
// today, not the browser's: a supervisor in another zone (or anyone just after the
// workspace's midnight) would otherwise ask for a period that ends yesterday.

/** Today in ``timeZone`` (an IANA name); the browser's own zone when empty or unknown. */
export function todayIn(timeZone?: string | null, now: Date = new Date()): string {
  const options: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone || undefined });
  } catch {
    format = new Intl.DateTimeFormat("en-US", options); // a zone this browser does not know
  }
  const part = (type: string) => format.formatToParts(now).find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function utcDate(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

/** The day ``offset`` days after ``day`` (before, when negative). */
export function addDays(day: string, offset: number): string {
  const date = utcDate(day);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayOf(day: string): number {
  return (utcDate(day).getUTCDay() + 6) % 7;
}

/** The last ``count`` days up to today, both included: the API's default period is 30. */
export function lastDays(count: number, timeZone?: string | null): { from: string; to: string } {
  const to = todayIn(timeZone);
  return { from: addDays(to, -(count - 1)), to };
}
