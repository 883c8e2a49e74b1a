// Mining pages (docs/mining.md, "Mining pages"): the latest stored snapshot of each kind and
// "recompute now". Supervisors and up.
import { http } from "./http";
import { ws } from "./workspace";

export type MiningKind = "topics" | "rules" | "forecast" | "day_shapes";
export type SnapshotStatus = "ok" | "not_computed" | "not_enough_data";

export interface SnapshotMeta {
  kind: MiningKind;
  computed_at: string | null;
  duration_ms: number | null;
  status: SnapshotStatus;
}

export interface Keyword {
  word: string;
  score: number;
  messages: number;
}

export interface TopicRow {
  id: number;
  words: [string, number][];
  messages: number;
  trend: number[];
  this_week: number;
  ratio: number;
  examples: { conversation: number; day: string; text: string }[];
}

export interface TopicsResult {
  from: string;
  to: string;
  messages: number;
  days: string[];
  periods: { from: string; to: string; messages: number; keywords: Keyword[] }[];
  topics: TopicRow[];
  unassigned: number;
  new_this_week: {
    keywords: { word: string; this_week: number; before_per_week: number; ratio: number; new: boolean }[];
    topics: { id: number; words: string[]; ratio: number }[];
  };
}

export interface RuleRow {
  antecedent: string[];
  consequent: string[];
  support: number;
  confidence: number;
  lift: number;
  count: number;
}

export interface RulesSummary {
  conversations: number;
  floors: { min_support: number; min_confidence: number };
  items: Record<string, number>;
  truncated: boolean;
}

export interface RuleFilters {
  min_support: number;
  min_confidence: number;
  min_lift: number;
  kinds: string[];
  sort: "lift" | "confidence" | "support" | "count";
}

export interface Staffing {
  agents: number[];
  peak_agents: number;
  agent_hours: number;
  handle_seconds: number;
  handle_observed: boolean;
  service_level: number;
  answer_seconds: number;
  max_occupancy: number;
  concurrency: number;
}

export interface ForecastResult {
  starts: string[];
  mean: number[];
  point: number[];
  lower: number[];
  upper: number[];
  interval_minutes: number;
  coverage: number;
  history_from: string;
  history_days: number;
  actual: { starts: string[]; counts: number[] };
  backtest: { from: string; to: string; mae: number; naive_mae: number; improvement: number | null } | null;
  model: { shape_weeks: number; level_weeks: number; smoothing: number; dispersion: number };
  staffing: Staffing;
}

export interface StaffingSettings {
  days: number;
  service_level: number;
  answer_seconds: number;
  concurrency: number;
  max_occupancy: number;
  handle_seconds: number | null;
}

export interface DayShape {
  id: number;
  days: number;
  dates: string[];
  profile: number[];
  peak_hours: string[];
  mean_total: number;
  weekdays: Record<string, number>;
}

export interface DayShapesResult {
  from: string;
  to: string;
  days: number;
  slots: string[];
  shapes: DayShape[];
}

type WithResult<T> = SnapshotMeta & { result: T | null };

const base = (slug: string) => `${ws(slug)}/analytics/mining`;

export const miningApi = {
  topics: (slug: string) => http.get<WithResult<TopicsResult>>(`${base(slug)}/topics/`),
  rules: (slug: string, f: RuleFilters) =>
    http.get<WithResult<RulesSummary> & { rules: RuleRow[]; matched: number }>(`${base(slug)}/rules/`, {
      min_support: f.min_support,
      min_confidence: f.min_confidence,
      min_lift: f.min_lift,
      kinds: f.kinds.join(","),
      sort: f.sort,
    }),
  forecast: (slug: string, s: StaffingSettings) =>
    http.get<WithResult<ForecastResult>>(`${base(slug)}/forecast/`, {
      days: s.days,
      service_level: s.service_level,
      answer_seconds: s.answer_seconds,
      concurrency: s.concurrency,
      max_occupancy: s.max_occupancy,
      handle_seconds: s.handle_seconds,
    }),
  dayShapes: (slug: string) => http.get<WithResult<DayShapesResult>>(`${base(slug)}/day-shapes/`),
  refresh: (slug: string, kinds: MiningKind[]) =>
    http.post<{ kinds: MiningKind[]; snapshots: Record<string, Omit<SnapshotMeta, "kind">> }>(
      `${base(slug)}/refresh/`,
      { kinds },
    ),
};
