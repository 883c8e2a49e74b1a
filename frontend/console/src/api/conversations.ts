import { http } from "./http";
import { ws } from "./workspace";
import type { Conversation, ConversationPage, Message, MessagePage, Status } from "./types";

export interface ListFilters {
  status?: Status | "";
  inbox?: number | null;
  team?: number | null;
  assignee?: "me" | "none" | number | null;
  /** Keyset paging: `next_before` and `next_before_id` of the previous page. */
  before?: string | null;
  before_id?: number | null;
}

const one = (slug: string, id: number) => `${ws(slug)}/conversations/${id}`;

export const conversationsApi = {
  list: (slug: string, filters: ListFilters) =>
    http.get<ConversationPage>(`${ws(slug)}/conversations/`, {
      status: filters.status,
      inbox: filters.inbox,
      team: filters.team,
      assignee: filters.assignee,
      before: filters.before,
      before_id: filters.before_id,
    }),
  get: (slug: string, id: number) => http.get<Conversation>(`${one(slug, id)}/`),
  messages: (slug: string, id: number, after: number, limit = 200) =>
    http.get<MessagePage>(`${one(slug, id)}/messages/`, { after, limit }),
  send: (slug: string, id: number, body: string, clientId: string, isPrivate: boolean) =>
    http.post<Message>(`${one(slug, id)}/messages/`, {
      body,
      client_id: clientId,
      private: isPrivate,
    }),
  assign: (slug: string, id: number, assignee: number | null) =>
    http.post<Conversation>(`${one(slug, id)}/assign/`, { assignee }),
  setTeam: (slug: string, id: number, team: number | null) =>
    http.post<Conversation>(`${one(slug, id)}/team/`, { team }),
  setStatus: (slug: string, id: number, status: Status) =>
    http.post<Conversation>(`${one(slug, id)}/status/`, { status }),
  read: (slug: string, id: number, seq: number) =>
    http.post<{ conversation: number; seq: number }>(`${one(slug, id)}/read/`, { seq }),
};
