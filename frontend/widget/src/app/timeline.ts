/**
 * The visitor's view of their conversations: stored messages ordered by (conversation, seq) and
 * unique by id — frames may arrive twice (replay after a reconnect, the ack and the broadcast) or
 * out of seq order (two web processes) — plus the messages still waiting for their ack.
 */

import type { Attachment, Message } from './wire';

export interface Pending {
  client_id: string;
  body: string;
  attachments: Attachment[];
  created_at: string;
  /** Set when the server refused the message for good (error frame with this ref). */
  error?: string;
}

export class Timeline {
  private readonly conversations = new Map<number, Message[]>();
  private readonly clientIds = new Set<string>();

  constructor(cached: Record<string, Message[]> = {}) {
    for (const list of Object.values(cached)) for (const m of list) this.add(m);
  }

  /** Adds a stored message; returns false when it was known already. */
  add(message: Message): boolean {
    let list = this.conversations.get(message.conversation);
    if (!list) {
      list = [];
      this.conversations.set(message.conversation, list);
    }
    if (list.some((m) => m.id === message.id)) return false;
    // Usually the newest: walk back from the end to the insertion point.
    let i = list.length;
    while (i > 0 && list[i - 1].seq > message.seq) i--;
    list.splice(i, 0, message);
    if (message.client_id) this.clientIds.add(message.client_id);
    return true;
  }

  hasClientId(clientId: string): boolean {
    return this.clientIds.has(clientId);
  }

  lastSeq(conversation: number): number {
    const list = this.conversations.get(conversation);
    return list && list.length ? list[list.length - 1].seq : 0;
  }

  conversationIds(): number[] {
    return [...this.conversations.keys()].sort((a, b) => a - b);
  }

  messages(conversation: number): Message[] {
    return this.conversations.get(conversation) ?? [];
  }

  /** Forget a conversation whose cache cannot be trusted (the server knows fewer messages). */
  drop(conversation: number): void {
    for (const m of this.messages(conversation)) if (m.client_id) this.clientIds.delete(m.client_id);
    this.conversations.delete(conversation);
  }

  newestConversation(): number | null {
    const ids = this.conversationIds();
    return ids.length ? ids[ids.length - 1] : null;
  }

  toCache(): Record<string, Message[]> {
    const out: Record<string, Message[]> = {};
    for (const [id, list] of this.conversations) out[id] = list;
    return out;
  }
}
