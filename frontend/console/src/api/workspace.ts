import { http } from "./http";
import type { ContactProfile, Inbox, Member, SearchHit, Team } from "./types";

export const ws = (slug: string) => `/api/v1/workspaces/${encodeURIComponent(slug)}`;

export const workspaceApi = {
  inboxes: (slug: string) => http.get<Inbox[]>(`${ws(slug)}/inboxes/`),
  members: (slug: string) => http.get<Member[]>(`${ws(slug)}/members/`),
  teams: (slug: string) => http.get<Team[]>(`${ws(slug)}/teams/`),
  contact: (slug: string, id: number) => http.get<ContactProfile>(`${ws(slug)}/contacts/${id}/`),
  search: (slug: string, q: string) =>
    http.get<{ results: SearchHit[] }>(`${ws(slug)}/search/`, { q }),
};
