// What an SLA clock shows, as a pure function of the ticket's `sla` and the time now, so the
// component only renders it and a test can check it without a browser.
import type { Sla, SlaState } from "../api/tickets";

export type ClockTarget = "first_response" | "resolution";

export interface ClockView {
  /** The state to show: the server's, or "breached" once the countdown passes zero. */
  state: SlaState;
  /** Which promise the clock counts towards (the first one not met yet). */
  target: ClockTarget | null;
  /** What to say: time left, overdue by, paused with time left, or all targets met. */
  kind: "left" | "overdue" | "paused" | "met";
  /** Seconds left (kind left, paused) or overdue (kind overdue); null when met. */
  seconds: number | null;
  /** The due time counted towards, for a tooltip. */
  dueAt: string | null;
}

/** Null when the ticket has no SLA (the key is absent or null): show nothing. */
export function slaClock(sla: Sla | null | undefined, nowMs: number): ClockView | null {
  if (!sla) return null;
  const resolution = sla.resolution;
  if (sla.state === "paused" || resolution.paused) {
    return {
      state: "paused",
      target: "resolution",
      kind: "paused",
      seconds: resolution.remaining_seconds === null ? null : Math.max(0, resolution.remaining_seconds),
      dueAt: null,
    };
  }
  const pending: [ClockTarget, string][] = [];
  if (!sla.first_response.met_at && sla.first_response.due_at)
    pending.push(["first_response", sla.first_response.due_at]);
  if (!resolution.met_at && resolution.due_at) pending.push(["resolution", resolution.due_at]);
  const next = pending[0];
  if (sla.state === "met" || !next) {
    return { state: sla.state === "breached" ? "breached" : "met", target: null, kind: "met", seconds: null, dueAt: null };
  }
  const [target, dueAt] = next;
  const left = Math.floor((Date.parse(dueAt) - nowMs) / 1000);
  if (left < 0) return { state: "breached", target, kind: "overdue", seconds: -left, dueAt };
  return { state: sla.state === "breached" ? "warning" : sla.state, target, kind: "left", seconds: left, dueAt };
}

/** "2d 3h", "3h 05m", "12m 30s" (en) or "2天3小时", "3小时05分", "12分30秒" (zh). Seconds show only
 * under an hour, where they matter. */
export function formatDuration(seconds: number, locale: string): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const zh = locale.toLowerCase().startsWith("zh");
  const pad = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return zh ? `${d}天${h}小时` : `${d}d ${h}h`;
  if (h > 0) return zh ? `${h}小时${pad(m)}分` : `${h}h ${pad(m)}m`;
  return zh ? `${m}分${pad(sec)}秒` : `${m}m ${pad(sec)}s`;
}

/** How often the clock needs redrawing: every second in its last hour, else every minute. */
export function tickMs(view: ClockView | null): number | null {
  if (!view || view.kind === "met" || view.kind === "paused") return null;
  return view.seconds !== null && view.seconds < 3600 ? 1_000 : 60_000;
}
