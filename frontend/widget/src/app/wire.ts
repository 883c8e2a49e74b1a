/** The server's shapes (wire contract v1, docs/api/realtime.md) as the widget reads them. */

export type SenderType = 'contact' | 'agent' | 'bot' | 'system';

export interface Sender {
  type: SenderType;
  id: number | null;
  name: string;
}

export interface Attachment {
  id: number | string;
  kind: 'image' | 'file';
  name: string;
  size: number;
  content_type: string;
  url: string;
  thumbnail_url: string | null;
}

export interface Message {
  id: number;
  seq: number;
  conversation: number;
  client_id: string | null;
  sender: Sender;
  kind: string;
  body: string;
  attachments: Attachment[];
  private: boolean;
  data?: Record<string, unknown>;
  created_at: string;
}

export interface ConversationRef {
  id: number;
  status: string;
  last_seq: number;
}

export interface Prechat {
  enabled: boolean;
  fields: string[];
  topics: string[];
}

/** `online`, `prechat` and `locale` are newer fields: absent means "live chat, no form". */
export interface InboxInfo {
  name: string;
  greeting: string;
  online?: boolean;
  prechat?: Prechat;
  locale?: string;
}

/** The workspace's privacy notice and whether this visitor accepted its current version. */
export interface PrivacyNotice {
  notice: string;
  version: number;
  consent_required: boolean;
  consented: boolean;
}

export interface Session {
  token: string;
  /** Newer servers only; null when the workspace has no notice. */
  privacy?: PrivacyNotice | null;
  contact: { id: number; name: string };
  inbox: InboxInfo;
  conversations: ConversationRef[];
  /** Rating requests still open (newer servers only). */
  csat?: CsatState[];
}

/** A rating request of a resolved conversation and the visitor's answer (`csat.*` frames). */
export interface CsatState {
  conversation: number;
  expires_at: string;
  rating: number | null;
  comment: string;
  answered_at: string | null;
  editable_until: string | null;
  open: boolean;
}

/** Where the visitor's conversation stands in its inbox's queue (`queue.position`). */
export interface QueuePosition {
  conversation: number;
  queued: boolean;
  position?: number;
  estimated_wait_seconds?: number | null;
  offer_leave_message?: boolean;
}

export type ServerFrame =
  | ({ type: 'queue.position' } & QueuePosition)
  | { type: 'welcome'; contact: { id: number; name: string }; conversations: ConversationRef[]; csat?: CsatState[] }
  | { type: 'csat.request'; conversation: number; expires_at: string }
  | { type: 'csat.answered'; conversation: number; csat: CsatState }
  | {
      type: 'message.ack';
      client_id: string;
      message: { id: number; seq: number; conversation: number; created_at: string };
    }
  | { type: 'message.created'; conversation: number; message: Message }
  | { type: 'conversation.updated'; conversation: ConversationRef }
  | { type: 'typing'; conversation: number; on: boolean; by?: Sender }
  | { type: 'read'; conversation: number; seq: number; by?: Sender }
  | { type: 'pong' }
  | { type: 'error'; code: string; detail: string; ref: string | null };

export interface MessageCreate {
  type: 'message.create';
  client_id: string;
  conversation: number | null;
  body: string;
  attachments: Array<number | string>;
  private: false;
  /** Pre-chat topic for the conversation this message starts (server field, optional). */
  topic?: string;
}
