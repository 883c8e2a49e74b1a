// Socket frames of wire contract v1, as the console sends and receives them.
import type { Ticket } from "../api/tickets";
import type { AlertFiredFrame } from "../components/dashboards/alertToast";
import type { SlaAlertFrame } from "../components/sla/slaAlert";
import type { Conversation, Message, Sender } from "../api/types";
import type { SentimentBrief } from "../api/sentiment";

export interface MessageCreateFrame {
  type: "message.create";
  client_id: string;
  conversation: number;
  body: string;
  attachments: number[];
  private: boolean;
}

export type ClientFrame =
  | { type: "hello"; resume: Record<string, number> }
  | MessageCreateFrame
  | { type: "typing"; conversation: number; on: boolean; private?: boolean }
  | { type: "read"; conversation: number; seq: number }
  | { type: "ping" };

export interface WelcomeFrame {
  type: "welcome";
  user: { id: number; name: string; email: string };
  members: { id: number; role: string; workspace: { id: number; slug: string } }[];
}

export interface MessageCreatedFrame {
  type: "message.created";
  conversation: number;
  message: Message;
}

export interface MessageAckFrame {
  type: "message.ack";
  client_id: string;
  message: { id: number; seq: number; conversation: number; created_at: string };
}

/** A conversation's customer sentiment changed (parley/analytics/sentiment); staff only.
 * `turned_negative` is true once, when it became negative. */
export interface ConversationSentimentFrame {
  type: "conversation.sentiment";
  conversation: number;
  sentiment: SentimentBrief;
  turned_negative: boolean;
}

export interface ConversationUpdatedFrame {
  type: "conversation.updated";
  conversation: Conversation;
}

export interface TypingFrame {
  type: "typing";
  conversation: number;
  on: boolean;
  by: Sender;
}

export interface ReadFrame {
  type: "read";
  conversation: number;
  seq: number;
  by: Sender;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  detail: string;
  ref: string | null;
}

/** Something addressed to this member, e.g. a conversation transferred to them. */
export interface NotificationFrame {
  type: "notification";
  kind: string;
  conversation: number;
  by: { id: number; name: string } | null;
  note: string;
}

/** A ticket was created, escalated, changed or closed (docs/tickets.md). */
export interface TicketUpdatedFrame {
  type: "ticket.updated";
  ticket: Ticket;
}

export type ServerFrame =
  | TicketUpdatedFrame
  | AlertFiredFrame
  | SlaAlertFrame
  | NotificationFrame
  | WelcomeFrame
  | MessageCreatedFrame
  | MessageAckFrame
  | ConversationUpdatedFrame
  | ConversationSentimentFrame
  | TypingFrame
  | ReadFrame
  | ErrorFrame
  | { type: "pong" };
