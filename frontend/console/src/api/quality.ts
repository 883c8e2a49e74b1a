// Quality review: scorecards, reviews, the weekly review queue and the sample size.
import { http } from "./http";
import { ws } from "./workspace";

export interface Criterion {
  id?: number;
  label: string;
  description: string;
  weight: number;
  /** 1 means pass/fail; otherwise scored from 0 to max_score. */
  max_score: number;
  /** Scored 0, it makes the whole review 0. */
  critical: boolean;
}

export interface Scorecard {
  id: number;
  name: string;
  active: boolean;
  version: number;
  criteria: Required<Criterion>[];
  updated_at: string;
}

export interface ScorecardInput {
  name: string;
  active: boolean;
  criteria: Criterion[];
}

export interface ScoredCriterion extends Required<Criterion> {
  score: number;
  comment: string;
}

export interface ConversationRef {
  id: number;
  contact: { id: number; name: string };
  inbox: { id: number; name: string };
  resolved_at: string | null;
}

export interface MemberRef {
  id: number;
  name: string;
}

export interface Review {
  id: number;
  conversation: ConversationRef;
  agent: MemberRef | null;
  reviewer: MemberRef | null;
  scorecard: { id: number | null; name: string; version: number };
  criteria: ScoredCriterion[];
  score: number;
  critical_failed: boolean;
  comment: string;
  created_at: string;
  updated_at: string;
}

export interface ScoreInput {
  criterion: number;
  score: number;
  comment: string;
}

export type QueueStatus = "pending" | "done" | "skipped";

export interface QueueItem {
  id: number;
  conversation: ConversationRef;
  agent: MemberRef | null;
  week_start: string;
  status: QueueStatus;
  review: number | null;
  created_at: string;
}

interface Page<T> {
  results: T[];
  next_page: number | null;
}

const q = (slug: string) => `${ws(slug)}/quality`;

export const qualityApi = {
  scorecards: (slug: string) => http.get<Scorecard[]>(`${q(slug)}/scorecards/`),
  createScorecard: (slug: string, body: ScorecardInput) =>
    http.post<Scorecard>(`${q(slug)}/scorecards/`, body),
  updateScorecard: (slug: string, id: number, body: Partial<ScorecardInput>) =>
    http.patch<Scorecard>(`${q(slug)}/scorecards/${id}/`, body),
  reviews: (slug: string, filters: { agent?: number | "me"; conversation?: number; page?: number }) =>
    http.get<Page<Review>>(`${q(slug)}/reviews/`, filters),
  review: (slug: string, id: number) => http.get<Review>(`${q(slug)}/reviews/${id}/`),
  createReview: (
    slug: string,
    body: { conversation: number; scorecard: number; scores: ScoreInput[]; comment: string },
  ) => http.post<Review>(`${q(slug)}/reviews/`, body),
  updateReview: (slug: string, id: number, body: { scores?: ScoreInput[]; comment?: string }) =>
    http.patch<Review>(`${q(slug)}/reviews/${id}/`, body),
  queue: (slug: string, status: QueueStatus | "" = "pending", page = 1) =>
    http.get<Page<QueueItem>>(`${q(slug)}/queue/`, { status, page }),
  skip: (slug: string, id: number) => http.post<QueueItem>(`${q(slug)}/queue/${id}/skip/`),
  settings: (slug: string) => http.get<{ sample_size: number }>(`${q(slug)}/settings/`),
  saveSettings: (slug: string, sample_size: number) =>
    http.patch<{ sample_size: number }>(`${q(slug)}/settings/`, { sample_size }),
};
