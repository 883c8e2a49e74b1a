// Agent and team KPIs, the leaderboard and CSAT results over a period (whole days in the
// workspace's time zone).
import { http } from "./http";
import { ws } from "./workspace";

export interface Period {
  from: string;
  to: string;
}

export type KpiBy = "member" | "team";

export interface DurationStats {
  median_seconds: number | null;
  mean_seconds: number | null;
  count: number;
}

export interface KpiRow {
  id: number;
  name: string;
  handled: number;
  resolved: number;
  resolution_rate: number | null;
  first_response: DurationStats;
  handling: DurationStats;
  csat: {
    average: number | null;
    responses: number;
    satisfied: number;
    satisfied_percent: number | null;
  };
  qa: { average: number | null; reviews: number };
  sla: { met: number; breached: number; compliance: number | null };
}

export interface KpiResult extends Period {
  by: KpiBy;
  timezone: string;
  rows: KpiRow[];
}

export const METRICS = [
  "csat_average",
  "csat_satisfied_percent",
  "qa_average",
  "first_response_median",
  "handling_median",
  "resolution_rate",
  "handled",
  "sla_compliance",
] as const;
export type Metric = (typeof METRICS)[number];

export interface Leaderboard extends Period {
  by: KpiBy;
  metric: Metric;
  higher_is_better: boolean;
  ranked: number;
  entries: { rank: number; id: number; name: string; value: number }[];
}

export type CsatGroup = "agent" | "team" | "inbox";

export interface CsatBucket {
  key: { id: number; name: string } | null;
  responses: number;
  average: number | null;
  distribution: Record<string, number>;
  satisfied: number;
  satisfied_percent: number | null;
}

export interface CsatResults {
  period_start: string;
  period_end: string;
  group_by: CsatGroup;
  results: CsatBucket[];
  totals: Omit<CsatBucket, "key">;
}

export const performanceApi = {
  kpis: (slug: string, period: Period, by: KpiBy) =>
    http.get<KpiResult>(`${ws(slug)}/analytics/kpis/`, { ...period, by }),
  leaderboard: (slug: string, period: Period, metric: Metric, by: KpiBy = "member") =>
    http.get<Leaderboard>(`${ws(slug)}/analytics/leaderboard/`, { ...period, metric, by }),
  csat: (slug: string, period: Period, group_by: CsatGroup) =>
    http.get<CsatResults>(`${ws(slug)}/csat/`, {
      period_start: period.from,
      period_end: period.to,
      group_by,
    }),
};
