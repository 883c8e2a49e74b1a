// The knowledge base API (`/api/v1/workspaces/<slug>/kb/…`): articles with their versions,
// FAQs and synonyms. Bodies come back sanitised by the server.
import { http } from "./http";
import { ws } from "./workspace";

export type KbLocale = "zh-CN" | "en";
export type ArticleStatus = "draft" | "published";

export interface KbPerson {
  id: number;
  name: string;
}

export interface ArticleSummary {
  id: number;
  title: string;
  slug: string;
  category: string;
  locale: KbLocale;
  status: ArticleStatus;
  author: KbPerson | null;
  view_count: number;
  published_at: string | null;
  updated_at: string;
}

export interface Article extends ArticleSummary {
  body: string;
}

export interface ArticleInput {
  title: string;
  body: string;
  locale: KbLocale;
  category: string;
}

export interface ArticleVersion {
  number: number;
  title: string;
  body: string;
  editor: KbPerson | null;
  created_at: string;
}

export interface Faq {
  id: number;
  question: string;
  paraphrases: string[];
  answer: string;
  intent: string;
  skill: string;
  intent_label: string;
  article: { id: number; title: string; slug: string } | null;
  locale: KbLocale;
  published: boolean;
  updated_at: string;
}

export interface FaqInput {
  question: string;
  paraphrases: string[];
  answer: string;
  intent: string;
  skill: string;
  article: number | null;
  locale: KbLocale;
  published: boolean;
}

export interface Synonym {
  id: number;
  term: string;
  equivalents: string[];
  updated_at: string;
}

interface Page<T> {
  results: T[];
  next_page: number | null;
}

const kb = (slug: string) => `${ws(slug)}/kb`;

export const kbApi = {
  articles: (slug: string, filters: { status?: string; locale?: string; q?: string } = {}) =>
    http.get<Page<ArticleSummary>>(`${kb(slug)}/articles/`, filters),
  article: (slug: string, id: number) => http.get<Article>(`${kb(slug)}/articles/${id}/`),
  createArticle: (slug: string, input: ArticleInput & { publish?: boolean }) =>
    http.post<Article>(`${kb(slug)}/articles/`, input),
  updateArticle: (slug: string, id: number, input: Partial<ArticleInput>) =>
    http.patch<Article>(`${kb(slug)}/articles/${id}/`, input),
  deleteArticle: (slug: string, id: number) => http.delete(`${kb(slug)}/articles/${id}/`),
  publish: (slug: string, id: number) => http.post<Article>(`${kb(slug)}/articles/${id}/publish/`),
  unpublish: (slug: string, id: number) =>
    // DELETE on …/publish/ takes the article back to draft and answers with it.
    http.delete(`${kb(slug)}/articles/${id}/publish/`),
  versions: (slug: string, id: number) =>
    http.get<ArticleVersion[]>(`${kb(slug)}/articles/${id}/versions/`),
  restore: (slug: string, id: number, n: number) =>
    http.post<Article>(`${kb(slug)}/articles/${id}/versions/${n}/restore/`),
  faqs: (slug: string, filters: { locale?: string } = {}) =>
    http.get<Page<Faq>>(`${kb(slug)}/faqs/`, filters),
  createFaq: (slug: string, input: FaqInput) => http.post<Faq>(`${kb(slug)}/faqs/`, input),
  updateFaq: (slug: string, id: number, input: FaqInput) =>
    http.patch<Faq>(`${kb(slug)}/faqs/${id}/`, input),
  deleteFaq: (slug: string, id: number) => http.delete(`${kb(slug)}/faqs/${id}/`),
  synonyms: (slug: string) => http.get<Synonym[]>(`${kb(slug)}/synonyms/`),
  createSynonym: (slug: string, input: { term: string; equivalents: string[] }) =>
    http.post<Synonym>(`${kb(slug)}/synonyms/`, input),
  updateSynonym: (slug: string, id: number, input: { term: string; equivalents: string[] }) =>
    http.patch<Synonym>(`${kb(slug)}/synonyms/${id}/`, input),
  deleteSynonym: (slug: string, id: number) => http.delete(`${kb(slug)}/synonyms/${id}/`),
};
