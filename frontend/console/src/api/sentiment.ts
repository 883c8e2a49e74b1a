// Sentiment (docs/analytics.md "Sentiment"): the overview for a period and filters, the
// conversations negative now, and the workspace's model versions. Supervisors and up.
import type { DashboardFilters } from "./analytics";
import { http } from "./http";
import { ws } from "./workspace";

export type SentimentLabel = "negative" | "neutral" | "positive";
export const SENTIMENT_LABELS: SentimentLabel[] = ["negative", "neutral", "positive"];

/** On conversation list rows, details and `conversation.sentiment` frames. */
export interface SentimentBrief {
  label: SentimentLabel;
  score: number;
  trend: "improving" | "steady" | "worsening";
  turned_negative_at: string | null;
  messages_scored?: number;
}

export interface SentimentDay {
  day: string;
  scored: number;
  negative: number;
  negative_share: number | null;
  mean_score: number | null;
}

export interface CsatStats {
  conversations: number;
  rated: number;
  csat_mean: number | null;
  csat_satisfied_share: number | null;
}

export interface SentimentBand extends CsatStats {
  band: string;
  from: number;
  to: number;
}

export interface SentimentWeek {
  week: string;
  conversations: number;
  labels: Record<SentimentLabel, { share: number | null; csat_mean: number | null; rated: number }>;
}

export interface SentimentOverview {
  timezone: string;
  period: { from: string; to: string };
  trend: SentimentDay[];
  shares: {
    total: number;
    counts: Record<SentimentLabel, number>;
    shares: Record<SentimentLabel, number | null>;
  };
  satisfaction: {
    by_label: Record<SentimentLabel, CsatStats>;
    by_band: SentimentBand[];
    by_week: SentimentWeek[];
  };
}

export interface NegativeConversation {
  conversation: number;
  status: string;
  contact: { id: number; name: string };
  inbox: { id: number; name: string };
  assignee: { id: number; name: string } | null;
  score: number;
  trend: string;
  turned_negative_at: string | null;
  messages_scored: number;
}

export interface SentimentModelVersion {
  version: number;
  active: boolean;
  created_at: string;
  trained_on_count: number;
  sources: string[];
  metrics: { labels?: Record<string, number> };
}

function query(f: DashboardFilters): Record<string, string | number | null | undefined> {
  return { from: f.from, to: f.to, inbox: f.inbox, team: f.team, agent: f.agent, channel: f.channel };
}

const base = (slug: string) => `${ws(slug)}/analytics/sentiment`;

export const sentimentApi = {
  overview: (slug: string, f: DashboardFilters) =>
    http.get<SentimentOverview>(`${base(slug)}/`, query(f)),
  negative: (slug: string, f: DashboardFilters) =>
    http.get<{ results: NegativeConversation[] }>(`${base(slug)}/negative/`, query(f)),
  models: (slug: string) => http.get<{ results: SentimentModelVersion[] }>(`${base(slug)}/models/`),
  activate: (slug: string, version: number) =>
    http.post<SentimentModelVersion>(`${base(slug)}/models/${version}/activate/`, {}),
};
