// Each open conversation's timeline: stored messages in seq order (deduplicated by id), the
// messages this agent is still sending, who is typing, and how far the contact has read.
import { defineStore } from "pinia";
import { reactive } from "vue";
import { conversationsApi } from "../api/conversations";
import type { Attachment, Message, Sender } from "../api/types";

export type OutgoingState = "sending" | "queued" | "failed";

export interface Outgoing {
  client_id: string;
  conversation: number;
  body: string;
  private: boolean;
  attachments: Attachment[];
  state: OutgoingState;
  error: string;
  created_at: string;
}

export interface Timeline {
  messages: Message[];
  ids: Set<number>;
  lastSeq: number;
  loaded: boolean;
  loading: boolean;
  failed: boolean;
  outgoing: Outgoing[];
  typing: Record<string, { by: Sender; until: number }>;
  contactReadSeq: number;
}

const TYPING_TTL_MS = 6000;

function emptyTimeline(): Timeline {
  return {
    messages: [],
    ids: new Set(),
    lastSeq: 0,
    loaded: false,
    loading: false,
    failed: false,
    outgoing: [],
    typing: {},
    contactReadSeq: 0,
  };
}

export const useTimelinesStore = defineStore("timelines", () => {
  const timelines = reactive<Record<number, Timeline>>({});

  function timeline(id: number): Timeline {
    timelines[id] ??= emptyTimeline();
    return timelines[id]!;
  }

  /** Add a stored message once, in seq order; it replaces the matching outgoing copy. */
  function add(message: Message): boolean {
    const t = timelines[message.conversation];
    if (!t || t.ids.has(message.id)) return false;
    t.ids.add(message.id);
    const at = t.messages.findIndex((m) => m.seq > message.seq);
    if (at === -1) t.messages.push(message);
    else t.messages.splice(at, 0, message);
    t.lastSeq = Math.max(t.lastSeq, message.seq);
    if (message.client_id) t.outgoing = t.outgoing.filter((o) => o.client_id !== message.client_id);
    if (message.sender.type !== "system") delete t.typing[`${message.sender.type}:${message.sender.id}`];
    return true;
  }

  /** Read everything after the last seq held (first load, or a gap after a missed frame). */
  async function fetchAfter(slug: string, id: number): Promise<void> {
    const t = timeline(id);
    if (t.loading) return;
    t.loading = true;
    t.failed = false;
    try {
      let after: number | null = t.lastSeq;
      while (after !== null) {
        const page = await conversationsApi.messages(slug, id, after);
        for (const m of page.results) add(m);
        after = page.next_after !== null && page.next_after > after ? page.next_after : null;
      }
      t.loaded = true;
    } catch {
      t.failed = true;
    } finally {
      t.loading = false;
    }
  }

  function hasGapBefore(message: Message): boolean {
    const t = timelines[message.conversation];
    return !!t && t.loaded && message.seq > t.lastSeq + 1;
  }

  /** Conversations whose timelines are loaded, with the last seq held (the hello's resume). */
  function resume(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, t] of Object.entries(timelines)) if (t.loaded) out[id] = t.lastSeq;
    return out;
  }

  function addOutgoing(o: Outgoing): void {
    timeline(o.conversation).outgoing.push(o);
  }

  function findOutgoing(clientId: string): Outgoing | undefined {
    for (const t of Object.values(timelines)) {
      const found = t.outgoing.find((o) => o.client_id === clientId);
      if (found) return found;
    }
    return undefined;
  }

  function setOutgoingState(clientId: string, state: OutgoingState, error = ""): void {
    const o = findOutgoing(clientId);
    if (o) {
      o.state = state;
      o.error = error;
    }
  }

  /** After a reconnect, everything waiting goes out again. */
  function resendingAll(): void {
    for (const t of Object.values(timelines))
      for (const o of t.outgoing) if (o.state === "queued") o.state = "sending";
  }

  function queuedAll(): void {
    for (const t of Object.values(timelines))
      for (const o of t.outgoing) if (o.state === "sending") o.state = "queued";
  }

  function setTyping(conversation: number, by: Sender, on: boolean): void {
    const t = timelines[conversation];
    if (!t) return;
    const key = `${by.type}:${by.id}`;
    if (on) t.typing[key] = { by, until: Date.now() + TYPING_TTL_MS };
    else delete t.typing[key];
  }

  function typingNow(conversation: number): Sender[] {
    const t = timelines[conversation];
    if (!t) return [];
    const now = Date.now();
    return Object.values(t.typing)
      .filter((entry) => entry.until > now)
      .map((entry) => entry.by);
  }

  function setContactRead(conversation: number, seq: number): void {
    const t = timelines[conversation];
    if (t) t.contactReadSeq = Math.max(t.contactReadSeq, seq);
  }

  function reset(): void {
    for (const key of Object.keys(timelines)) delete timelines[Number(key)];
  }

  return {
    timelines,
    timeline,
    add,
    fetchAfter,
    hasGapBefore,
    resume,
    addOutgoing,
    findOutgoing,
    setOutgoingState,
    resendingAll,
    queuedAll,
    setTyping,
    typingNow,
    setContactRead,
    reset,
  };
});
