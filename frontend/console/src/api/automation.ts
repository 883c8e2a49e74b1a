// Automation rules, their log, and macros (docs/automation.md).
import { http } from "./http";
import { ws } from "./workspace";
import type { Conversation } from "./types";

export type RuleEvent = "conversation_created" | "message_created" | "conversation_updated";

export interface Condition {
  field: string;
  op: string;
  value?: unknown;
  key?: string;
}

export interface Action {
  type: string;
  [param: string]: unknown;
}

export interface Rule {
  id: number;
  name: string;
  event: RuleEvent;
  match: "all" | "any";
  conditions: Condition[];
  actions: Action[];
  position: number;
  active: boolean;
  stop_processing: boolean;
}

export type RuleInput = Omit<Rule, "id" | "position">;

export interface ActionResult {
  type: string;
  outcome: "applied" | "skipped" | "failed";
  detail: string;
}

export interface RuleRun {
  id: number;
  conversation: number;
  event: RuleEvent;
  results: ActionResult[];
  at: string;
}

export interface Macro {
  id: number;
  name: string;
  scope: "shared" | "personal";
  owner: number | null;
  actions: Action[];
  editable: boolean;
}

export type MacroInput = Pick<Macro, "name" | "scope" | "actions">;

export interface MacroApplied {
  macro: number;
  results: ActionResult[];
  conversation: Conversation;
}

const base = (slug: string) => `${ws(slug)}/automation`;

export const automationApi = {
  rules: (slug: string) => http.get<Rule[]>(`${base(slug)}/rules/`),
  createRule: (slug: string, input: RuleInput) => http.post<Rule>(`${base(slug)}/rules/`, input),
  updateRule: (slug: string, id: number, input: Partial<RuleInput>) =>
    http.patch<Rule>(`${base(slug)}/rules/${id}/`, input),
  removeRule: (slug: string, id: number) => http.delete(`${base(slug)}/rules/${id}/`),
  reorder: (slug: string, order: number[]) =>
    http.post<Rule[]>(`${base(slug)}/rules/reorder/`, { order }),
  runs: (slug: string, id: number) => http.get<RuleRun[]>(`${base(slug)}/rules/${id}/runs/`),
  macros: (slug: string) => http.get<Macro[]>(`${base(slug)}/macros/`),
  createMacro: (slug: string, input: MacroInput) =>
    http.post<Macro>(`${base(slug)}/macros/`, input),
  updateMacro: (slug: string, id: number, input: Partial<MacroInput>) =>
    http.patch<Macro>(`${base(slug)}/macros/${id}/`, input),
  removeMacro: (slug: string, id: number) => http.delete(`${base(slug)}/macros/${id}/`),
  apply: (slug: string, conversation: number, macro: number) =>
    http.post<MacroApplied>(`${ws(slug)}/conversations/${conversation}/macros/${macro}/apply/`),
};
