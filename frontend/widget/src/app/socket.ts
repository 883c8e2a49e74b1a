/**
 * A WebSocket that keeps itself connected: exponential backoff with jitter between attempts,
 * a ping when the line has been quiet (so a dead connection is noticed, not waited on for
 * minutes), and the browser's online/offline events to drop the socket at once when the network
 * goes and to retry at once when it comes back. What to say after connecting (hello with resume)
 * is the owner's business: `onOpen` is called on every (re)connect.
 */

import type { ServerFrame } from './wire';

export type SocketStatus = 'connecting' | 'open' | 'offline' | 'closed';

export interface SocketHandlers {
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  onStatus(status: SocketStatus): void;
  /** The server closed with an application code (4001 unauthenticated, 4003 forbidden). */
  onRefused(code: number): void;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
const PING_AFTER_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer = 0;
  private pingTimer = 0;
  private pongTimer = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {
    window.addEventListener('offline', () => {
      this.drop();
      this.handlers.onStatus('offline');
    });
    window.addEventListener('online', () => {
      if (this.stopped) return;
      this.attempt = 0;
      this.connect();
    });
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect(): void {
    this.stopped = false;
    window.clearTimeout(this.retryTimer);
    if (this.ws) return;
    if (!navigator.onLine) {
      this.handlers.onStatus('offline');
      return;
    }
    this.handlers.onStatus('connecting');
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.handlers.onStatus('open');
      this.handlers.onOpen();
      this.heartbeat();
    };
    ws.onmessage = (event) => {
      this.heartbeat();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      this.handlers.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearHeartbeat();
      if (event.code === 4001 || event.code === 4003) {
        this.stopped = true;
        this.handlers.onRefused(event.code);
        return;
      }
      this.scheduleRetry();
    };
  }

  /** Called once the server has greeted us: the connection really works, so reset the backoff. */
  confirmed(): void {
    this.attempt = 0;
  }

  send(frame: object): boolean {
    if (!this.isOpen || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.drop();
    this.handlers.onStatus('closed');
  }

  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.clearHeartbeat();
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.handlers.onStatus(navigator.onLine ? 'connecting' : 'offline');
    if (!navigator.onLine) return; // the 'online' event reconnects
    const ceiling = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt++);
    // Full jitter: a server restart must not be met by every visitor at the same instant.
    this.retryTimer = window.setTimeout(() => this.connect(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private heartbeat(): void {
    this.clearHeartbeat();
    this.pingTimer = window.setTimeout(() => {
      this.send({ type: 'ping' });
      this.pongTimer = window.setTimeout(() => {
        // No answer: the connection is dead even if the browser has not noticed.
        this.drop();
        this.scheduleRetry();
      }, PONG_WITHIN_MS);
    }, PING_AFTER_MS);
  }

  private clearHeartbeat(): void {
    window.clearTimeout(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }
}
