// The bot API (`/api/v1/workspaces/<slug>/bot/…`, docs/bot.md): each chat inbox's bot settings,
// the workspace's generation endpoint (its key is write-only), and bot analytics.
import { http } from "./http";
import { ws } from "./workspace";

export interface BotSettings {
  enabled: boolean;
  greeting: { en: string; "zh-CN": string };
  answer_confidence: number;
  suggest_confidence: number;
  max_low_confidence_turns: number;
  handoff_keywords: string[];
  handoff_on_negative: boolean;
}

export interface BotInbox {
  id: number;
  name: string;
  bot: BotSettings;
}

export interface Generation {
  enabled: boolean;
  base_url: string;
  model: string;
  timeout_seconds: number;
  has_api_key: boolean;
}

export interface GenerationInput {
  enabled: boolean;
  base_url: string;
  model: string;
  timeout_seconds: number;
  /** Left out: keep the stored key; "": remove it. */
  api_key?: string;
}

export interface BotAnalytics {
  since: string;
  until: string;
  conversations: number;
  deflected: number;
  deflection_rate: number;
  handed_off: number;
  handoff_rate: number;
  handoff_reasons: Record<string, number>;
  replies: { answers: number; suggestions: number; refusals: number };
  ratings: { helpful: number; unhelpful: number };
  unanswered: Array<{ question: string; count: number; examples: string[] }>;
}

export const botApi = {
  inboxes: (slug: string) => http.get<BotInbox[]>(`${ws(slug)}/bot/inboxes/`),
  saveInbox: (slug: string, inbox: number, settings: Partial<BotSettings>) =>
    http.patch<BotSettings>(`${ws(slug)}/bot/inboxes/${inbox}/settings/`, settings),
  generation: (slug: string) => http.get<Generation>(`${ws(slug)}/bot/generation/`),
  saveGeneration: (slug: string, input: GenerationInput) =>
    http.patch<Generation>(`${ws(slug)}/bot/generation/`, input),
  analytics: (slug: string, since?: string) =>
    http.get<BotAnalytics>(`${ws(slug)}/bot/analytics/`, since ? { since } : undefined),
};
