// Customer profiles, churn risk with reasons and the at-risk list (docs/churn.md).
import { http } from "./http";
import { ws } from "./workspace";

export type RiskLevel = "high" | "medium" | "low";

export interface RiskReason {
  feature: string;
  value: number | null;
  typical: number;
  weight: number;
  en: string;
  zh: string;
}

export interface CustomerContact {
  id: number;
  name: string;
  display_name: string;
  email: string;
  phone: string;
}

export interface CustomerProfile {
  computed_at: string;
  risk: number | null;
  risk_level: RiskLevel | null;
  reasons: RiskReason[];
  model_version: number | null;
  recency_days: number | null;
  first_conversation_at: string | null;
  last_conversation_at: string | null;
  conversations: { last_30_days: number; last_90_days: number; total: number };
  channels: string[];
  topics: { topic: string; conversations: number }[];
  keywords: string[];
  sentiment: { mean: number | null; last: number | null; trend: string | null };
  unresolved: number;
  csat: { mean: number | null; last: number | null; responses: number };
  reopened: number;
  sla_breaches: number;
  wait_mean_seconds: number | null;
  abandoned: number;
  followed_up: { at: string; by: { id: number; name: string } | null; note: string } | null;
}

export interface AtRiskRow extends CustomerProfile {
  contact: CustomerContact;
}

export interface ChurnModelInfo {
  version: number;
  trained_at: string;
  active: boolean;
  horizon_days: number;
  active_days: number;
  train_rows: number;
  train_positives: number;
  cutoffs: number;
  validation: {
    cutoff: string;
    rows: number;
    positives: number;
    base_rate: number | null;
    auc: number | null;
    average_precision: number | null;
  };
}

export interface AtRiskFilters {
  level: string; // "high,medium"
  followed_up: "yes" | "no" | "any";
  channel: string;
  limit: number;
  offset: number;
}

export const customersApi = {
  atRisk: (slug: string, f: AtRiskFilters) =>
    http.get<{ model: ChurnModelInfo | null; count: number; results: AtRiskRow[] }>(
      `${ws(slug)}/analytics/customers/`,
      { ...f },
    ),
  profile: (slug: string, contactId: number) =>
    http.get<{ contact: CustomerContact; profile: CustomerProfile | null }>(
      `${ws(slug)}/analytics/customers/${contactId}/`,
    ),
  followUp: (slug: string, contactId: number, done: boolean, note = "") =>
    http.post<AtRiskRow>(`${ws(slug)}/analytics/customers/${contactId}/follow-up/`, {
      done,
      note,
    }),
  models: (slug: string) =>
    http.get<{ models: ChurnModelInfo[] }>(`${ws(slug)}/analytics/churn/models/`),
};
