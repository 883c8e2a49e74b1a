/**
 * What survives a reload or a navigation, per inbox key: the session token, the timeline cache
 * with the last seq seen per conversation (sent as hello.resume), the visitor's read position,
 * and the outbox of messages not yet acknowledged.
 *
 * localStorage can throw (private modes, quota, disabled storage); the widget then simply works
 * for the life of the page.
 */

import type { Message } from './wire';
import type { Pending } from './timeline';

export interface SavedState {
  /** conversation id → messages, ascending by seq (trimmed to the newest few). */
  messages: Record<string, Message[]>;
  /** conversation id → highest seq the visitor has read (drives the unread badge). */
  readSeq: Record<string, number>;
  prechatDone?: boolean;
  /** Whose cache this is: a new contact (token refused) must not see the old one's messages. */
  contactId?: number | null;
  topic?: string;
}

const MAX_CACHED_PER_CONVERSATION = 100;
const MAX_CACHED_CONVERSATIONS = 3;

export class Store {
  constructor(private readonly inbox: string) {}

  private key(name: string): string {
    return `parley:${this.inbox}:${name}`;
  }

  private read<T>(name: string, fallback: T): T {
    try {
      const raw = localStorage.getItem(this.key(name));
      return raw ? (JSON.parse(raw) as T) : fallback;
    } catch {
      return fallback;
    }
  }

  private write(name: string, value: unknown): void {
    try {
      if (value === null) localStorage.removeItem(this.key(name));
      else localStorage.setItem(this.key(name), JSON.stringify(value));
    } catch {
      /* storage unavailable or full: keep going in memory */
    }
  }

  get token(): string | null {
    return this.read<string | null>('token', null);
  }

  set token(value: string | null) {
    this.write('token', value);
  }

  loadState(): SavedState {
    return this.read<SavedState>('state', { messages: {}, readSeq: {} });
  }

  saveState(state: SavedState): void {
    const ids = Object.keys(state.messages)
      .map(Number)
      .sort((a, b) => b - a)
      .slice(0, MAX_CACHED_CONVERSATIONS);
    const messages: Record<string, Message[]> = {};
    for (const id of ids) messages[id] = state.messages[id].slice(-MAX_CACHED_PER_CONVERSATION);
    this.write('state', { ...state, messages });
  }

  loadOutbox(): Pending[] {
    return this.read<Pending[]>('outbox', []);
  }

  saveOutbox(items: Pending[]): void {
    this.write('outbox', items.length ? items : null);
  }

  /** A token the server refused belongs to nobody any more: start afresh. */
  forget(): void {
    this.write('token', null);
    this.write('state', null);
  }
}
