// The console's connection to /ws/agent/: reconnects with backoff, says hello with the last seq
// seen per open conversation (the server replays what was missed), and keeps every outgoing
// message in an outbox until the server has stored it, resending with the same client_id after
// a reconnect, so nothing is lost and nothing is stored twice.
import type { ClientFrame, MessageCreateFrame, ServerFrame } from "./frames";

export type SocketState = "connecting" | "open" | "offline" | "closed";

export interface SocketHooks {
  /** Last seq seen per conversation, for the hello frame's resume. */
  resume(): Record<string, number>;
  onFrame(frame: ServerFrame): void;
  onState(state: SocketState): void;
  /** The session is gone (close code 4001): stop and send the user to the login page. */
  onUnauthenticated(): void;
}

const CLOSE_UNAUTHENTICATED = 4001;
const PING_EVERY_MS = 25_000;
const MAX_BACKOFF_MS = 15_000;

export function backoffDelay(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export class AgentSocket {
  private socket: WebSocket | null = null;
  private ready = false;
  private stopped = true;
  private attempt = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  /** Messages not yet stored by the server, by client_id, in the order they were written. */
  private readonly outbox = new Map<string, MessageCreateFrame>();

  constructor(
    private readonly hooks: SocketHooks,
    private readonly url: string = AgentSocket.defaultUrl(),
  ) {}

  static defaultUrl(): string {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws/agent/`;
  }

  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener("online", this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.reconnectNow);
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    this.ready = false;
    this.socket?.close(1000);
    this.socket = null;
    this.outbox.clear();
    this.hooks.onState("closed");
  }

  /** Queue a message; it goes out now if connected, else after the next welcome. */
  sendMessage(frame: MessageCreateFrame): void {
    this.outbox.set(frame.client_id, frame);
    if (this.ready) this.transmit(frame);
  }

  /** The server has stored it (ack or message.created), or refused it for good (error). */
  settle(clientId: string): void {
    this.outbox.delete(clientId);
  }

  /** Ephemeral frames (typing, read) are dropped while offline: they have no value later. */
  sendEphemeral(frame: ClientFrame): boolean {
    if (!this.ready) return false;
    this.transmit(frame);
    return true;
  }

  private transmit(frame: ClientFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private readonly reconnectNow = (): void => {
    if (this.stopped || this.ready) return;
    window.clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.socket?.close();
    this.connect();
  };

  private connect(): void {
    this.hooks.onState("connecting");
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.transmit({ type: "hello", resume: this.hooks.resume() });
    };
    socket.onmessage = (event: MessageEvent) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === "welcome") this.onWelcome();
      if (frame.type === "message.ack") this.settle(frame.client_id);
      if (frame.type === "message.created" && frame.message.client_id)
        this.settle(frame.message.client_id);
      this.hooks.onFrame(frame);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.ready = false;
      window.clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        this.stop();
        this.hooks.onUnauthenticated();
        return;
      }
      this.hooks.onState("offline");
      this.scheduleRetry();
    };
  }

  private onWelcome(): void {
    this.ready = true;
    this.attempt = 0;
    this.hooks.onState("open");
    for (const frame of this.outbox.values()) this.transmit(frame);
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => this.transmit({ type: "ping" }), PING_EVERY_MS);
  }

  private scheduleRetry(): void {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.connect(), backoffDelay(this.attempt));
    this.attempt += 1;
  }
}
