// Routing: the caller's availability, the supervisor's view of agents and the queue, transfer.
import { http, request } from "./http";
import type { AgentConfig, AgentRow, Availability, Conversation, QueueRow, TransferTarget } from "./types";
import { ws } from "./workspace";

export const routingApi = {
  me: (slug: string) => http.get<AgentRow>(`${ws(slug)}/routing/me/`),
  setAvailability: (slug: string, availability: Availability) =>
    request<AgentRow>("PUT", `${ws(slug)}/routing/me/`, { availability }),
  agents: (slug: string) => http.get<AgentRow[]>(`${ws(slug)}/routing/agents/`),
  configure: (slug: string, member: number, config: AgentConfig) =>
    http.patch<AgentRow>(`${ws(slug)}/routing/agents/${member}/`, config),
  queue: (slug: string) => http.get<QueueRow[]>(`${ws(slug)}/routing/queue/`),
  transfer: (slug: string, conversation: number, target: TransferTarget, note: string) =>
    http.post<Conversation>(`${ws(slug)}/conversations/${conversation}/transfer/`, {
      ...target,
      note,
    }),
};
