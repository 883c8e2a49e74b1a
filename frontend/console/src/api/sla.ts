// SLA policies (docs/sla.md): every member reads them; admins and owners change them.
import { http } from "./http";
import { ws } from "./workspace";

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export const METRICS = ["first_response", "resolution"] as const;
export type SlaPriority = (typeof PRIORITIES)[number];
export type SlaMetric = (typeof METRICS)[number];
/** Minutes per priority and metric; null: no target. */
export type SlaTargets = Record<SlaPriority, Record<SlaMetric, number | null>>;

export interface SlaPolicy {
  id: number;
  name: string;
  position: number;
  is_active: boolean;
  inbox: { id: number; name: string } | null;
  team: { id: number; name: string } | null;
  business_hours: boolean;
  warning_percent: number | null;
  targets: SlaTargets;
  created_at: string;
  updated_at: string;
}

export interface SlaPolicyInput {
  name: string;
  targets: Partial<Record<SlaPriority, Partial<Record<SlaMetric, number | null>>>>;
  inbox: number | null;
  team: number | null;
  business_hours: boolean;
  warning_percent: number | null;
  is_active: boolean;
}

/** The `sla` part of a ticket's payload (null when no policy applies). */
export interface TicketSlaState {
  policy: { id: number; name: string };
  state: "ok" | "warning" | "breached" | "paused" | "met";
  first_response: { due_at: string | null; met_at: string | null; breached: boolean };
  resolution: {
    due_at: string | null;
    met_at: string | null;
    breached: boolean;
    paused: boolean;
    remaining_seconds: number | null;
  };
}

const base = (slug: string) => `${ws(slug)}/sla-policies`;

export const slaApi = {
  list: (slug: string) => http.get<{ results: SlaPolicy[] }>(`${base(slug)}/`),
  create: (slug: string, input: SlaPolicyInput) => http.post<SlaPolicy>(`${base(slug)}/`, input),
  update: (slug: string, id: number, input: Partial<SlaPolicyInput>) =>
    http.patch<SlaPolicy>(`${base(slug)}/${id}/`, input),
  remove: (slug: string, id: number) => http.delete(`${base(slug)}/${id}/`),
  reorder: (slug: string, ids: number[]) =>
    http.post<{ results: SlaPolicy[] }>(`${base(slug)}/reorder/`, { ids }),
};

/** "1 d 2 h 30 min" / "1 天 2 小时 30 分钟" from minutes, for reading a target at a glance. */
export function formatMinutes(minutes: number, t: (key: string, values?: object) => string): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(t("sla.units.days", { n: days }));
  if (hours) parts.push(t("sla.units.hours", { n: hours }));
  if (mins || !parts.length) parts.push(t("sla.units.minutes", { n: mins }));
  return parts.join(" ");
}
