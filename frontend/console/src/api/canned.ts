import { http } from "./http";
import { ws } from "./workspace";
import type { CannedResponse, CannedResponseInput } from "./types";

type Listing = CannedResponse[] | { results: CannedResponse[] };

const unwrap = (data: Listing): CannedResponse[] => (Array.isArray(data) ? data : data.results);

export const cannedApi = {
  list: async (slug: string, q = "") =>
    unwrap(await http.get<Listing>(`${ws(slug)}/canned-responses/`, { q })),
  create: (slug: string, input: CannedResponseInput) =>
    http.post<CannedResponse>(`${ws(slug)}/canned-responses/`, input),
  update: (slug: string, id: number, input: Partial<CannedResponseInput>) =>
    http.patch<CannedResponse>(`${ws(slug)}/canned-responses/${id}/`, input),
  remove: (slug: string, id: number) => http.delete(`${ws(slug)}/canned-responses/${id}/`),
};
