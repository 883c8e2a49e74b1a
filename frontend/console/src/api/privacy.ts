import { http, withQuery } from "./http";
import { ws } from "./workspace";

export interface RevealedMessage {
  id: number;
  conversation: number;
  body: string;
  attachments: { id: number; name: string }[];
}

export type ContactPiiField = "phone" | "id_number" | "email";

/** Masked personal data, as the console's staff payloads carry it. */
export const looksMasked = (text: string) => /\*{2,}/.test(text);

export const privacyApi = {
  revealMessage: (slug: string, id: number) =>
    http.post<RevealedMessage>(`${ws(slug)}/privacy/messages/${id}/reveal/`, {}),
  revealContact: (slug: string, contactId: number, field: ContactPiiField) =>
    http.post<{ contact: number; field: string; value: string }>(
      `${ws(slug)}/privacy/contacts/${contactId}/reveal/`,
      { field },
    ),
};

export interface AuditEntry {
  id: number;
  seq: number;
  created_at: string;
  actor: { id: number | null; name: string; email: string };
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
  hash: string;
}

export interface AuditFilters {
  actor?: number | null;
  action?: string;
  since?: string;
  until?: string;
}

export const auditApi = {
  list: (slug: string, filters: AuditFilters, before: number | null = null) =>
    http.get<{ results: AuditEntry[]; next_before: number | null }>(`${ws(slug)}/audit/`, {
      ...filters,
      before,
    }),
  exportUrl: (slug: string, filters: AuditFilters) =>
    withQuery(`${ws(slug)}/audit/export/`, { ...filters, as: "csv" }),
  verify: (slug: string) =>
    http.get<{ entries: number; intact: boolean; broken: { seq: number; reason: string } | null }>(
      `${ws(slug)}/audit/verify/`,
    ),
};
