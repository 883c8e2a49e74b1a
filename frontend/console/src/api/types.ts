// The server's shapes (wire contract v1 and the members' REST API).
import type { SentimentBrief } from "./sentiment";

export type Role = "owner" | "admin" | "supervisor" | "agent";
export type Status = "bot" | "queued" | "open" | "pending" | "resolved" | "closed";
export type SenderType = "contact" | "agent" | "bot" | "system";
export type MessageKind = "text" | "image" | "file" | "call" | "event";

export interface User {
  id: number;
  email: string;
  name: string;
  /** Only in the signed-in user's own profile (auth/me). */
  two_factor_enabled?: boolean;
}

export interface WorkspaceRef {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  /** Members must have two-factor on to use this workspace. */
  require_two_factor?: boolean;
}

/** What the console may offer a member (the server enforces the same rules). */
export interface Permissions {
  see_all_inboxes: boolean;
  assign_others: boolean;
  manage_shared_replies: boolean;
  /** May reveal masked personal data (each reveal is audited). */
  view_pii?: boolean;
  read_audit_log?: boolean;
}

export interface Membership {
  id: number;
  role: Role;
  workspace: WorkspaceRef;
  permissions: Permissions;
}

export interface Me {
  user: User;
  memberships: Membership[];
}

export interface Ref {
  id: number;
  name: string;
}

export interface Conversation {
  id: number;
  status: Status;
  last_seq: number;
  inbox: Ref;
  contact: Ref;
  assignee: Ref | null;
  team: Ref | null;
  topic: string;
  last_activity_at: string;
  created_at: string;
  unread?: number;
  /** List rows only: the newest message that is not an event (body cut to 120 characters). */
  last_message?: LastMessage | null;
  /** List rows and details: the customer's sentiment (parley/analytics/sentiment), if scored. */
  sentiment?: SentimentBrief | null;
}

export interface LastMessage {
  body: string;
  kind: MessageKind;
  sender_type: SenderType;
  private: boolean;
}

export interface ConversationPage {
  results: Conversation[];
  next_before: string | null;
  next_before_id?: number | null;
}

export interface Attachment {
  id: number;
  kind: "image" | "file";
  name: string;
  size: number;
  content_type: string;
  url: string;
  thumbnail_url: string | null;
}

export interface Sender {
  type: SenderType;
  id: number | null;
  name: string;
}

export interface Message {
  id: number;
  seq: number;
  conversation: number;
  client_id: string | null;
  sender: Sender;
  kind: MessageKind;
  body: string;
  attachments: Attachment[];
  private: boolean;
  data: Record<string, unknown>;
  created_at: string;
}

export interface MessagePage {
  results: Message[];
  next_after: number | null;
}

export interface Inbox {
  id: number;
  name: string;
}

export interface Member {
  id: number;
  role: Role;
  name: string;
  email: string;
}

export interface Team {
  id: number;
  name: string;
  description: string;
  members: number[];
}

export type CannedScope = "personal" | "team" | "workspace";

export interface CannedResponse {
  id: number;
  shortcut: string;
  title: string;
  body: string;
  scope: CannedScope;
  team: Ref | null;
}

export interface CannedResponseInput {
  shortcut: string;
  title: string;
  body: string;
  scope: CannedScope;
  team: number | null;
}

export interface SearchHit {
  conversation: { id: number; status: Status; contact: Ref };
  message: { id: number; seq: number; body: string; created_at: string } | null;
  snippet: string;
}

export interface ContactProfile {
  id: number;
  name: string;
  email: string;
  attributes: Record<string, unknown>;
  /** Masked (138****1234); the clear value comes from the audited reveal. */
  phone?: string;
  id_number?: string;
  created_at: string;
  last_seen_at: string | null;
  conversations: { id: number; status: Status; last_activity_at: string }[];
}

export type Availability = "online" | "away" | "offline";

/** One member as routing sees them (GET routing/me/ and routing/agents/). */
export interface AgentRow {
  member: { id: number; name: string; role: Role };
  /** What the member chose. */
  availability: Availability;
  /** Whether a console of theirs is open now. */
  connected: boolean;
  /** What others see: the chosen availability while a console is open, else offline. */
  status: Availability;
  load: number;
  capacity: number;
  skills: Record<string, number>;
}

export interface AgentConfig {
  max_concurrent?: number | null;
  skills?: Record<string, number>;
}

/** One conversation waiting for an agent (GET routing/queue/), in drain order. */
export interface QueueRow {
  conversation: { id: number; topic: string; priority: number; contact: Ref };
  inbox: { id: number; name: string; policy: string };
  position: number;
  waiting_seconds: number;
}

export type TransferTarget = { assignee: number } | { team: number };

export type RoutingPolicy = "manual" | "round_robin" | "least_busy" | "skills" | "sticky";

/** An inbox as its list shows it (GET inboxes/). */
export interface InboxSummary {
  id: number;
  name: string;
  kind: string;
  public_key: string;
  allowed_origins: string[];
  greeting: string;
}

/** `["HH:MM", "HH:MM"]`: an opening range, on the inbox's wall clock. */
export type Range = [string, string];

export interface BusinessHoursSettings {
  enabled?: boolean;
  timezone?: string;
  weekly?: Partial<Record<string, Range[]>>;
  holidays?: { date: string; name?: string }[];
  special_days?: { date: string; intervals: Range[] }[];
  auto_reply?: Partial<Record<string, string>>;
}

export interface RoutingSettings {
  policy?: RoutingPolicy;
  topic_skills?: Record<string, string[]>;
  sticky_wait_seconds?: number;
  queue_timeout_seconds?: number;
  [key: string]: unknown;
}

export interface PrechatSettings {
  enabled?: boolean;
  fields?: string[];
  topics?: string[];
}

/** GET inboxes/<id>/: the inbox with its settings JSON. */
export interface InboxDetail extends InboxSummary {
  settings: {
    routing?: RoutingSettings;
    prechat?: PrechatSettings;
    business_hours?: BusinessHoursSettings;
    [key: string]: unknown;
  };
}

/** PATCH inboxes/<id>/: every field optional. */
export interface InboxChanges {
  name?: string;
  greeting?: string;
  allowed_origins?: string[];
  routing?: RoutingSettings;
  prechat?: Required<PrechatSettings>;
  business_hours?: BusinessHoursSettings;
}
