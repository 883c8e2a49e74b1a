// Dashboards (figures from the rollups), drill-down, CSV export, live tiles and alert rules
// (docs/analytics.md). Supervisors and up.
import { http, request, withQuery } from "./http";
import type { Period } from "./performance";
import { ws } from "./workspace";

export interface DashboardFilters extends Period {
  inbox?: number | null;
  team?: number | null;
  agent?: number | null;
  channel?: string;
}

export interface Timing {
  count: number;
  mean_seconds: number | null;
  p50_seconds: number | null;
  p90_seconds: number | null;
}

export interface Summary {
  volume: number;
  assigned: number;
  resolved: number;
  reopened: number;
  transfers: number;
  abandoned: number;
  first_response: Timing;
  handle_time: Timing;
  resolution_time: Timing;
  queue_wait: Timing;
  sla: { met: number; breached: number; warnings: number; compliance: number | null };
  csat: { responses: number; average: number | null; satisfied_percent: number | null };
  bot: {
    conversations: number;
    answers: number;
    handovers: number;
    deflection_percent: number | null;
  };
}

/** One row of plain numbers: a day of the trend, or one bar of a breakdown. */
export interface FlatRow {
  volume: number;
  assigned: number;
  resolved: number;
  handled: number;
  transfers: number;
  abandoned: number;
  first_response_mean_seconds: number | null;
  handle_mean_seconds: number | null;
  resolution_mean_seconds: number | null;
  queue_wait_mean_seconds: number | null;
  sla_breached: number;
  csat_average: number | null;
  bot_conversations: number;
  bot_handovers: number;
}

export interface BreakdownRow extends FlatRow {
  id: number | string | null;
  name: string;
}

export interface Dashboard extends Period {
  timezone: string;
  summary: Summary;
  trend: (FlatRow & { day: string })[];
  by_team: BreakdownRow[];
  by_member: BreakdownRow[];
  by_channel: BreakdownRow[];
  by_inbox: BreakdownRow[];
  agents_scatter: {
    id: number;
    name: string;
    handle_mean_seconds: number;
    csat_average: number;
    handled: number;
  }[];
  heatmap: [number, number, number][];
}

export interface DrillConversation {
  id: number;
  status: string;
  topic: string;
  contact: string;
  assignee: string | null;
  inbox: string;
  created_at: string;
}

export interface Drill {
  kind: string;
  day?: string;
  dimension?: "inbox" | "team" | "member" | "channel";
  key?: string;
}

export interface LiveTiles {
  queue_length: number;
  longest_wait_seconds: number;
  agents_online: number;
  agents_busy: number;
}

export type AlertMetric =
  | "volume"
  | "queue_wait_mean"
  | "first_response_mean"
  | "csat_average"
  | "sla_breaches"
  | "abandoned"
  | "negative_share"
  | "negative_messages"
  | "transfers"
  | "bot_handovers"
  | "volume_vs_forecast";

export const ALERT_METRICS: AlertMetric[] = [
  "volume",
  "queue_wait_mean",
  "first_response_mean",
  "csat_average",
  "sla_breaches",
  "abandoned",
  "negative_share",
  "negative_messages",
  "transfers",
  "bot_handovers",
  "volume_vs_forecast",
];

export interface AlertRuleInput {
  name: string;
  metric: AlertMetric;
  comparison: "gt" | "lt";
  threshold: number;
  window_minutes: number;
  cooldown_minutes: number;
  inbox: number | null;
  team: number | null;
  notify_console: boolean;
  email_to: string[];
  webhook_url: string;
  enabled: boolean;
}

export interface AlertRule extends AlertRuleInput {
  id: number;
  webhook_secret: string;
  firing: boolean;
  last_fired_at: string | null;
}

export interface AlertHistoryEntry {
  id: number;
  rule: { id: number; name: string; metric: AlertMetric };
  fired_at: string;
  value: number;
  threshold: number;
  comparison: "gt" | "lt";
  window_start: string;
  window_end: string;
  deliveries: Record<string, string>;
}

export interface ReportSubscription {
  id: number;
  email: string;
  frequency: "daily" | "weekly";
  sent_through: string | null;
}

function query(f: DashboardFilters): Record<string, string | number | null | undefined> {
  return { from: f.from, to: f.to, inbox: f.inbox, team: f.team, agent: f.agent, channel: f.channel };
}

const base = (slug: string) => `${ws(slug)}/analytics`;

export const analyticsApi = {
  dashboard: (slug: string, f: DashboardFilters) =>
    http.get<Dashboard>(`${base(slug)}/dashboard/`, query(f)),
  drilldown: (slug: string, f: DashboardFilters, d: Drill) =>
    http.get<{ conversations: DrillConversation[] }>(`${base(slug)}/dashboard/drilldown/`, {
      ...query(f),
      kind: d.kind,
      day: d.day,
      dimension: d.dimension,
      key: d.key,
    }),
  csvUrl: (slug: string, f: DashboardFilters) => withQuery(`${base(slug)}/dashboard/export.csv`, query(f)),
  live: (slug: string) => http.get<LiveTiles>(`${base(slug)}/dashboard/live/`),
  rules: (slug: string) => http.get<{ rules: AlertRule[] }>(`${base(slug)}/alert-rules/`),
  createRule: (slug: string, data: AlertRuleInput) =>
    http.post<AlertRule>(`${base(slug)}/alert-rules/`, data),
  updateRule: (slug: string, id: number, data: AlertRuleInput) =>
    request<AlertRule>("PUT", `${base(slug)}/alert-rules/${id}/`, data),
  deleteRule: (slug: string, id: number) => http.delete(`${base(slug)}/alert-rules/${id}/`),
  history: (slug: string) => http.get<{ alerts: AlertHistoryEntry[] }>(`${base(slug)}/alerts/`),
  subscriptions: (slug: string) =>
    http.get<{ subscriptions: ReportSubscription[] }>(`${base(slug)}/report-subscriptions/`),
  subscribe: (slug: string, email: string, frequency: string) =>
    http.post<ReportSubscription>(`${base(slug)}/report-subscriptions/`, { email, frequency }),
  unsubscribe: (slug: string, id: number) => http.delete(`${base(slug)}/report-subscriptions/${id}/`),
};
