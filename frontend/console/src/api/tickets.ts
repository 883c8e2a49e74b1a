// The members' tickets API (docs/tickets.md): list with filters and view counts, one ticket,
// changes, creation, escalation of a chat, bulk actions and the custom field definitions.
import { http } from "./http";
import type { Ref } from "./types";
import { ws } from "./workspace";

export type TicketStatus = "new" | "open" | "pending" | "solved" | "closed";
export type Priority = "low" | "normal" | "high" | "urgent";
export type SlaState = "ok" | "warning" | "breached" | "paused" | "met";
export type CreatedVia = "console" | "leave_message" | "web_form" | "api" | "escalation";
export type TicketView = "mine" | "unassigned" | "all";
export type Ordering = "updated" | "created" | "number" | "sla_due";

export const TICKET_STATUSES: TicketStatus[] = ["new", "open", "pending", "solved", "closed"];
export const SETTABLE_STATUSES: TicketStatus[] = ["open", "pending", "solved"];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];
export const SLA_FILTERS: (SlaState | "none")[] = ["ok", "warning", "breached", "paused", "met", "none"];

/** The SLA engine's view of a ticket (null: no policy applies). */
export interface Sla {
  policy: { id: number; name: string };
  state: SlaState;
  first_response: { due_at: string | null; met_at: string | null; breached: boolean };
  resolution: {
    due_at: string | null;
    met_at: string | null;
    breached: boolean;
    paused: boolean;
    remaining_seconds: number | null;
  };
}

export interface Ticket {
  id: number;
  number: number;
  display_number: string;
  subject: string;
  status: TicketStatus;
  conversation_status: string;
  priority: Priority;
  type: string;
  tags: string[];
  custom_fields: Record<string, unknown>;
  created_via: CreatedVia;
  requester: { id: number; name: string; email: string };
  assignee: Ref | null;
  team: Ref | null;
  inbox: Ref;
  follow_up_of: number | null;
  /** The tickets that follow this one up; only in a single ticket's answer (`get`). */
  follow_ups?: { id: number; number: number }[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Absent until the server computes SLAs; null when no policy applies. */
  sla?: Sla | null;
}

export interface ViewCounts {
  mine: number;
  unassigned: number;
  all: number;
}

export interface TicketPage {
  results: Ticket[];
  next_page: number | null;
  counts?: ViewCounts;
}

export interface TicketFilters {
  status?: TicketStatus | "";
  priority?: Priority | "";
  sla?: SlaState | "none" | "";
  tag?: string;
  team?: number | null;
  inbox?: number | null;
  q?: string;
}

export interface ListQuery extends TicketFilters {
  assignee?: "me" | "none" | null;
  ordering?: Ordering;
  page?: number;
}

export interface TicketChanges {
  subject?: string;
  status?: TicketStatus;
  priority?: Priority;
  type?: string;
  tags?: string[];
  custom_fields?: Record<string, unknown>;
}

export interface NewTicket {
  inbox: number;
  name: string;
  email: string;
  subject: string;
  description: string;
  priority?: Priority;
  type?: string;
  tags?: string[];
  custom_fields?: Record<string, unknown>;
}

export type BulkAction =
  | { action: "set_priority"; priority: Priority }
  | { action: "set_status"; status: TicketStatus }
  | { action: "assign"; assignee: number | null }
  | { action: "set_team"; team: number | null }
  | { action: "add_tag"; tag: string };

export type FieldKind = "text" | "number" | "choice" | "date";

export interface CustomField {
  id: number;
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  choices: string[];
  position: number;
  /** Values encrypted at rest and shown masked (docs/security.md, "Encryption at rest"). */
  sensitive: boolean;
}

const base = (slug: string) => `${ws(slug)}/tickets`;

export const ticketsApi = {
  list: (slug: string, query: ListQuery) =>
    http.get<TicketPage>(`${base(slug)}/`, {
      status: query.status,
      priority: query.priority,
      sla: query.sla,
      tag: query.tag,
      team: query.team,
      inbox: query.inbox,
      q: query.q,
      assignee: query.assignee,
      ordering: query.ordering,
      page: query.page,
    }),
  get: (slug: string, id: number) => http.get<Ticket>(`${base(slug)}/${id}/`),
  update: (slug: string, id: number, changes: TicketChanges) =>
    http.patch<Ticket>(`${base(slug)}/${id}/`, changes),
  create: (slug: string, ticket: NewTicket) => http.post<Ticket>(`${base(slug)}/`, ticket),
  escalate: (slug: string, conversation: number, subject = "") =>
    http.post<Ticket>(`${ws(slug)}/conversations/${conversation}/escalate/`, { subject }),
  bulk: (slug: string, ids: number[], action: BulkAction) =>
    http.post<{ changed: number }>(`${base(slug)}/bulk/`, { ids, ...action }),
  fields: (slug: string) => http.get<CustomField[]>(`${ws(slug)}/ticket-fields/`),
  createField: (slug: string, field: CustomFieldInput) =>
    http.post<CustomField>(`${ws(slug)}/ticket-fields/`, field),
  updateField: (slug: string, id: number, changes: Partial<Omit<CustomFieldInput, "key" | "kind">>) =>
    http.patch<CustomField>(`${ws(slug)}/ticket-fields/${id}/`, changes),
  removeField: (slug: string, id: number) => http.delete(`${ws(slug)}/ticket-fields/${id}/`),
};

/** What an admin sends to define a field; `key` and `kind` cannot change later. */
export type CustomFieldInput = Omit<CustomField, "id">;
