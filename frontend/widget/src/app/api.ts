/**
 * The widget's HTTP calls (`/api/widget/v1/`). They carry no cookies: the visitor is the bearer
 * token, and the server checks the page's Origin against the inbox's allowed origins.
 */

import type { Attachment, CsatState, QueuePosition, Session } from './wire';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`${status} ${code}`);
  }
}

export interface SessionRequest {
  inbox: string;
  token?: string;
  name?: string;
  email?: string;
  topic?: string;
}

export interface HelpHit {
  title: string;
  snippet: string;
  url: string;
}

export class WidgetApi {
  constructor(private readonly origin: string) {}

  /** POSTs `body` as JSON; without a body (undefined) it GETs. */
  private async call<T>(path: string, body: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(`${this.origin}/api/widget/v1/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'network');
    }
    const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new ApiError(response.status, String(data.code ?? 'error'));
    return data as T;
  }

  /** Published help articles that match `q` (no session needed: the inbox key and Origin). */
  helpSearch(inbox: string, q: string, locale: string): Promise<{ results: HelpHit[] }> {
    const query = new URLSearchParams({ inbox, q, locale });
    return this.call<{ results: HelpHit[] }>(`help/search?${query}`, undefined);
  }

  session(request: SessionRequest): Promise<Session> {
    return this.call<Session>('sessions', request);
  }

  leaveMessage(
    token: string,
    body: { name: string; email: string; body: string; client_id: string },
  ): Promise<unknown> {
    return this.call('leave-message', body, token);
  }

  /** The visitor's answer to the privacy notice's version. */
  consent(token: string, notice_version: number, accepted: boolean): Promise<unknown> {
    return this.call('consent', { notice_version, accepted }, token);
  }

  queue(token: string, conversation: number): Promise<QueuePosition> {
    return this.call<QueuePosition>(`conversations/${conversation}/queue`, undefined, token);
  }

  /** The conversation's rating request (no `answer`) or the visitor's answer to it. */
  csat(token: string, conversation: number, answer?: { rating: number; comment: string }): Promise<CsatState> {
    return this.call<CsatState>(`conversations/${conversation}/csat`, answer, token);
  }

  /** The visitor clicked a "did you mean" choice: the bot answers it. */
  botChoice(token: string, conversation: number, faq: number): Promise<unknown> {
    return this.call(`conversations/${conversation}/bot/choice`, { faq }, token);
  }

  /** "Talk to a person": the bot hands the conversation over. */
  botHandoff(token: string, conversation: number): Promise<unknown> {
    return this.call(`conversations/${conversation}/bot/handoff`, {}, token);
  }

  botRate(token: string, message: number, rating: string): Promise<unknown> {
    return this.call(`bot/replies/${message}/rating`, { rating }, token);
  }

  /** Uploads with XMLHttpRequest because fetch cannot report upload progress. */
  upload(token: string, file: File, onProgress: (fraction: number) => void): Promise<Attachment> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.origin}/api/widget/v1/attachments`);
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      };
      xhr.onload = () => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(xhr.responseText) as Record<string, unknown>;
        } catch {
          /* a non-JSON error page */
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data as unknown as Attachment);
        else reject(new ApiError(xhr.status, String(data.code ?? 'error')));
      };
      xhr.onerror = () => reject(new ApiError(0, 'network'));
      const form = new FormData();
      form.append('file', file);
      xhr.send(form);
    });
  }
}
