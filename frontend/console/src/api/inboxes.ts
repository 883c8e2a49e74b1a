// Inbox settings for owners and admins: GET and PATCH inboxes/<id>/.
import { http } from "./http";
import type { InboxChanges, InboxDetail, InboxSummary } from "./types";
import { ws } from "./workspace";

export const inboxesApi = {
  list: (slug: string) => http.get<InboxSummary[]>(`${ws(slug)}/inboxes/`),
  get: (slug: string, id: number) => http.get<InboxDetail>(`${ws(slug)}/inboxes/${id}/`),
  update: (slug: string, id: number, changes: InboxChanges) =>
    http.patch<InboxDetail>(`${ws(slug)}/inboxes/${id}/`, changes),
};
