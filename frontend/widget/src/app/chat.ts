/**
 * The visitor's chat, without any DOM: the session, the socket, the timeline, the outbox, and
 * what the other side is doing. The widget renders it whenever `onChange` fires.
 *
 * Reliability follows the wire contract: every outgoing message gets a client_id when it is
 * written and keeps it through reloads and reconnects until an ack arrives, so a resend can never
 * store it twice; every (re)connect resumes each conversation after the last seq we hold.
 */

import { ApiError, WidgetApi, type SessionRequest } from './api';
import type { Store } from './storage';
import { Timeline, type Pending } from './timeline';
import { ReconnectingSocket, type SocketStatus } from './socket';
import { uuid } from './ui/format';
import type { Attachment, ConversationRef, CsatState, Message, MessageCreate, QueuePosition, ServerFrame, Session } from './wire';

export type ChatStatus = 'idle' | 'starting' | SocketStatus | 'refused';

const TYPING_IDLE_MS = 3_000;
const TYPING_SHOWN_MS = 8_000;
const RESUME_CONVERSATIONS = 3;
const QUEUE_RECHECK_MS = 30_000;
/** Errors that say nothing about the message itself: it stays queued and goes again later. */
const TRANSIENT_ERRORS = new Set(['hello_required', 'throttled', 'rate_limited', 'internal', 'unavailable']);

export class Chat {
  session: Session | null = null;
  status: ChatStatus = 'idle';
  /** True once a welcome has arrived: later drops show "reconnecting", not a first connect. */
  everConnected = false;
  timeline: Timeline;
  outbox: Pending[];
  readSeq: Record<string, number>;
  agentRead: Record<string, number> = {};
  typing: string | null = null;
  /** The current conversation's place in the queue while it waits for an agent, else null. */
  queue: QueuePosition | null = null;
  /** Bumped by every live queue frame, so an older REST answer never overwrites a newer one. */
  private queueVersion = 0;
  private queueTimer = 0;
  /** The rating request of the current conversation once it is resolved, with any answer. */
  csat: CsatState | null = null;
  prechatDone: boolean;
  /** The pre-chat form's topic: sent with messages until one is stored (it routes the new
   * conversation), then forgotten. */
  topic: string;
  onChange: () => void = () => {};

  private readonly conversations = new Map<number, ConversationRef>();
  private socket: ReconnectingSocket | null = null;
  private starting: Promise<void> | null = null;
  /** The current socket has been welcomed: frames other than hello may go. */
  private ready = false;
  private typingOn = false;
  private typingTimer = 0;
  private shownTypingTimer = 0;
  private contactId: number | null;

  constructor(
    private readonly inbox: string,
    private readonly origin: string,
    private readonly store: Store,
    readonly api: WidgetApi = new WidgetApi(origin),
  ) {
    const saved = store.loadState();
    this.timeline = new Timeline(saved.messages);
    this.readSeq = saved.readSeq ?? {};
    this.prechatDone = Boolean(saved.prechatDone);
    this.topic = saved.topic ?? '';
    this.contactId = saved.contactId ?? null;
    this.outbox = store.loadOutbox();
    // Another tab of the same site may have sent or received messages: pick up its outbox.
    window.addEventListener('storage', (event) => {
      if (event.key?.endsWith(':outbox')) this.outbox = mergeOutbox(this.outbox, store.loadOutbox());
    });
  }

  get hasToken(): boolean {
    return this.store.token !== null;
  }

  /** Opens (or resumes) the session and connects; `extra` carries the pre-chat form's answers. */
  start(extra: Omit<SessionRequest, 'inbox' | 'token'> = {}): Promise<void> {
    if (!this.starting) {
      this.starting = this.openSession(extra).finally(() => (this.starting = null));
    }
    return this.starting;
  }

  private async openSession(extra: Omit<SessionRequest, 'inbox' | 'token'>): Promise<void> {
    if (!this.session) this.setStatus('starting');
    const token = this.store.token ?? undefined;
    let session: Session;
    try {
      session = await this.api.session({ inbox: this.inbox, token, ...extra });
    } catch (error) {
      const code = error instanceof ApiError ? error.status : 0;
      this.setStatus(code === 0 ? 'offline' : 'refused');
      if (code === 0) window.addEventListener('online', () => void this.start(), { once: true });
      throw error;
    }
    if (this.contactId !== null && session.contact.id !== this.contactId) this.reset();
    this.contactId = session.contact.id;
    this.store.token = session.token;
    this.session = session;
    for (const c of session.conversations) {
      this.conversations.set(c.id, c);
      // The server knows fewer messages than our cache (a restored database): trust the server.
      if (this.timeline.lastSeq(c.id) > c.last_seq) this.timeline.drop(c.id);
    }
    this.takeCsat(session.csat);
    this.persist();
    if (!this.socket) {
      const url = `${this.origin.replace(/^http/, 'ws')}/ws/widget/`;
      this.socket = new ReconnectingSocket(url, {
        onOpen: () => this.hello(),
        onFrame: (frame) => this.receive(frame),
        onStatus: (status) => this.setStatus(status),
        onRefused: (code) => this.refused(code),
      });
    }
    this.socket.connect();
    this.onChange();
  }

  /** The visitor answered the privacy notice; true once the server has stored the answer. */
  async consent(accepted: boolean): Promise<boolean> {
    const privacy = this.session?.privacy;
    const token = this.session?.token;
    if (!privacy || !token) return false;
    try {
      await this.api.consent(token, privacy.version, accepted);
    } catch {
      return false;
    }
    privacy.consented = accepted;
    this.onChange();
    return true;
  }

  private reset(): void {
    this.timeline = new Timeline();
    this.readSeq = {};
    this.agentRead = {};
    this.prechatDone = false;
    this.conversations.clear();
  }

  private refused(code: number): void {
    if (code === 4001) {
      // The token is no longer valid (expired, or another server): start a new session.
      this.store.forget();
      this.session = null;
      void this.start();
    } else {
      this.setStatus('refused');
    }
  }

  private hello(): void {
    const ids = new Set<number>(this.timeline.conversationIds());
    [...this.conversations.keys()]
      .sort((a, b) => b - a)
      .slice(0, RESUME_CONVERSATIONS)
      .forEach((id) => ids.add(id));
    const resume: Record<string, number> = {};
    for (const id of ids) resume[id] = this.timeline.lastSeq(id);
    this.socket?.send({ type: 'hello', token: this.session?.token, resume });
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.socket?.confirmed();
        this.everConnected = true;
        this.ready = true;
        for (const c of frame.conversations) this.conversations.set(c.id, c);
        this.takeCsat(frame.csat);
        this.flush();
        // Frames pushed while we were away are lost: ask where we stand now.
        this.refreshQueue();
        break;
      case 'queue.position': {
        // It may come before the ack that tells us the new conversation's id.
        const current = this.currentConversation();
        if (current !== null && frame.conversation < current) return;
        this.queueVersion++;
        this.queue = frame.queued ? frame : null;
        break;
      }
      case 'message.ack': {
        const pending = this.outbox.find((p) => p.client_id === frame.client_id);
        if (pending) this.acknowledged(pending, frame.message);
        this.topic = '';
        this.persist();
        break;
      }
      case 'message.created':
        this.accept(frame.message);
        break;
      case 'conversation.updated': {
        const known = this.conversations.get(frame.conversation.id);
        this.conversations.set(frame.conversation.id, frame.conversation);
        if (frame.conversation.id !== this.currentConversation()) break;
        if (frame.conversation.status !== 'resolved') this.csat = null;
        if (frame.conversation.status !== 'queued') this.queue = null;
        else if (known?.status !== 'queued') this.refreshQueue();
        break;
      }
      case 'csat.request':
        if (frame.conversation < (this.currentConversation() ?? 0)) return;
        // Asked again after a reopen, an earlier answer comes back with the full state.
        this.csat = { conversation: frame.conversation, expires_at: frame.expires_at, rating: null, comment: '', answered_at: null, editable_until: null, open: true };
        this.refreshCsat(frame.conversation);
        break;
      case 'csat.answered':
        if (frame.conversation === this.currentConversation()) this.csat = frame.csat;
        break;
      case 'typing':
        if (frame.by?.type === 'contact') return;
        window.clearTimeout(this.shownTypingTimer);
        this.typing = frame.on ? (frame.by?.name ?? '') : null;
        // A lost "off" frame (the agent closed their tab) must not leave the dots forever.
        if (frame.on) this.shownTypingTimer = window.setTimeout(() => this.showTyping(null), TYPING_SHOWN_MS);
        break;
      case 'read':
        if (frame.by?.type === 'contact') return;
        this.agentRead[frame.conversation] = Math.max(this.agentRead[frame.conversation] ?? 0, frame.seq);
        break;
      case 'error':
        if (!TRANSIENT_ERRORS.has(frame.code)) this.refusedMessage(frame.ref, frame.detail || frame.code);
        break;
      default:
        return;
    }
    this.onChange();
  }

  /** Reads the current conversation's place in the queue over REST (on connect, and when it
   * becomes queued); live `queue.position` frames keep it current afterwards. */
  private refreshQueue(): void {
    window.clearTimeout(this.queueTimer);
    const id = this.currentConversation();
    const token = this.session?.token;
    const status = id === null ? undefined : this.conversations.get(id)?.status;
    if (id === null || !token || (status !== undefined && status !== 'queued')) {
      if (this.queue) {
        this.queue = null;
        this.onChange();
      }
      return;
    }
    const version = this.queueVersion;
    this.api
      .queue(token, id)
      .then((place) => {
        if (id !== this.currentConversation() || version !== this.queueVersion) return;
        this.queue = place.queued ? place : null;
        this.onChange();
        // Frames come when the queue moves; a long wait with nothing moving still ages (the
        // leave-a-message offer comes with time), so look again now and then while queued.
        if (this.queue) this.queueTimer = window.setTimeout(() => this.refreshQueue(), QUEUE_RECHECK_MS);
      })
      .catch(() => {
        /* an older server without the endpoint: no queue line, the chat works as before */
      });
  }

  /** The current conversation's open rating request among those the server lists. */
  private takeCsat(pending: CsatState[] | undefined): void {
    const id = this.currentConversation();
    this.csat = pending?.find((c) => c.conversation === id) ?? (this.csat?.conversation === id ? this.csat : null);
  }

  private refreshCsat(conversation: number): void {
    const token = this.session?.token;
    if (!token) return;
    this.api
      .csat(token, conversation)
      .then((state) => {
        if (this.csat?.conversation !== conversation) return;
        this.csat = state;
        this.onChange();
      })
      .catch(() => {});
  }

  /** Sends (or changes) the visitor's rating; rejects with the server's ApiError. */
  async rate(rating: number, comment: string): Promise<void> {
    const token = this.session?.token;
    const id = this.csat?.conversation;
    if (!token || id === undefined) return;
    this.csat = await this.api.csat(token, id, { rating, comment });
    this.onChange();
  }

  private showTyping(name: string | null): void {
    this.typing = name;
    this.onChange();
  }

  /** The ack came first (it usually does): show the message as stored at once. */
  private acknowledged(pending: Pending, ack: { id: number; seq: number; conversation: number; created_at: string }): void {
    this.accept({
      id: ack.id,
      seq: ack.seq,
      conversation: ack.conversation,
      client_id: pending.client_id,
      sender: { type: 'contact', id: this.contactId, name: this.session?.contact.name ?? '' },
      kind: 'text',
      body: pending.body,
      attachments: pending.attachments,
      private: false,
      created_at: ack.created_at,
    });
  }

  private accept(message: Message): void {
    if (message.private) return;
    const isNew = this.timeline.add(message);
    if (message.client_id) this.dropPending(message.client_id);
    if (isNew && message.sender.type !== 'contact' && message.kind !== 'event') this.typing = null;
    this.persist();
  }

  private dropPending(clientId: string): void {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((p) => p.client_id !== clientId);
    if (this.outbox.length !== before) this.store.saveOutbox(this.outbox);
  }

  private refusedMessage(ref: string | null, detail: string): void {
    const pending = ref ? this.outbox.find((p) => p.client_id === ref) : undefined;
    if (!pending) return;
    // The server refused this message for good (too long, not allowed): a resend would be too.
    pending.error = detail;
    this.store.saveOutbox(this.outbox.filter((p) => !p.error));
  }

  private flush(): void {
    for (const pending of [...this.outbox]) {
      if (pending.error) continue;
      if (this.timeline.hasClientId(pending.client_id)) this.dropPending(pending.client_id);
      else this.transmit(pending);
    }
  }

  private transmit(pending: Pending): void {
    const frame: MessageCreate = {
      type: 'message.create',
      client_id: pending.client_id,
      // null: the server puts it in the visitor's current conversation, or starts one.
      conversation: null,
      body: pending.body,
      attachments: pending.attachments.map((a) => a.id),
      private: false,
    };
    if (this.topic) frame.topic = this.topic;
    this.socket?.send(frame);
  }

  send(body: string, attachments: Attachment[] = []): void {
    const pending: Pending = { client_id: uuid(), body, attachments, created_at: new Date().toISOString() };
    this.outbox.push(pending);
    this.store.saveOutbox(this.outbox);
    this.stopTyping();
    if (this.ready) this.transmit(pending);
    else if (!this.session) void this.start().catch(() => {});
    this.onChange();
  }

  /** Keystrokes → one "typing on", then "off" after a pause or when the message goes. */
  noteTyping(): void {
    const conversation = this.currentConversation();
    if (conversation === null || !this.ready || !this.socket) return;
    if (!this.typingOn) {
      this.typingOn = true;
      this.socket.send({ type: 'typing', conversation, on: true });
    }
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    window.clearTimeout(this.typingTimer);
    const conversation = this.currentConversation();
    if (this.typingOn && conversation !== null) this.socket?.send({ type: 'typing', conversation, on: false });
    this.typingOn = false;
  }

  /** The visitor is looking at the timeline: move the read pointer and tell the agent. */
  markRead(): void {
    for (const id of this.timeline.conversationIds()) {
      const seq = this.timeline.lastSeq(id);
      if (seq <= (this.readSeq[id] ?? 0)) continue;
      if (!this.ready) return;
      this.readSeq[id] = seq;
      this.socket?.send({ type: 'read', conversation: id, seq });
      this.persist();
      this.onChange();
    }
  }

  unread(): number {
    let count = 0;
    for (const id of this.timeline.conversationIds()) {
      const read = this.readSeq[id] ?? 0;
      for (const m of this.timeline.messages(id)) {
        if (m.seq > read && m.sender.type !== 'contact' && m.kind !== 'event') count++;
      }
    }
    return count;
  }

  /** message id → the visitor's rating of a bot answer (this page's session). */
  botRatings: Record<number, string> = {};

  /** The current conversation if the bot has it (its choices work, a person can be asked for). */
  botConversation(): number | null {
    const id = this.currentConversation();
    return id !== null && this.conversations.get(id)?.status === 'bot' ? id : null;
  }

  /** The id of the bot's latest message if it offers "did you mean" choices: only those of
   * the latest offer can be picked. */
  botChoicesOpen(): number | null {
    const id = this.botConversation();
    if (id === null) return null;
    const last = [...this.timeline.messages(id)].reverse().find((m) => m.sender.type === 'bot');
    return (last?.data?.bot as { kind?: string } | undefined)?.kind === 'suggest' ? last!.id : null;
  }

  async botChoose(conversation: number, faq: number): Promise<void> {
    const token = this.session?.token;
    if (token) await this.api.botChoice(token, conversation, faq);
  }

  async botHandoff(): Promise<void> {
    const token = this.session?.token;
    const id = this.botConversation();
    if (token && id !== null) await this.api.botHandoff(token, id);
  }

  async botRate(message: number, rating: string): Promise<void> {
    const token = this.session?.token;
    if (!token) return;
    await this.api.botRate(token, message, rating);
    this.botRatings[message] = rating;
    this.onChange();
  }

  currentConversation(): number | null {
    const known = [...this.conversations.keys(), this.timeline.newestConversation() ?? 0];
    const newest = Math.max(...known);
    return newest > 0 ? newest : null;
  }

  completePrechat(topic: string): void {
    this.prechatDone = true;
    this.topic = topic;
    this.persist();
    this.onChange();
  }

  private setStatus(status: ChatStatus): void {
    if (status !== 'open') this.ready = false;
    if (this.status === status) return;
    this.status = status;
    this.onChange();
  }

  private persist(): void {
    this.store.saveState({
      messages: this.timeline.toCache(),
      readSeq: this.readSeq,
      prechatDone: this.prechatDone,
      contactId: this.contactId,
      topic: this.topic,
    });
  }
}

function mergeOutbox(mine: Pending[], theirs: Pending[]): Pending[] {
  const seen = new Set(mine.map((p) => p.client_id));
  return [...mine, ...theirs.filter((p) => !seen.has(p.client_id))];
}
