/**
 * The timeline as DOM: the greeting, each conversation's messages in seq order (a divider between
 * conversations), messages still waiting for their ack, and the agent's typing indicator.
 */

import type { Locale, Strings } from '../i18n';
import type { Pending } from '../timeline';
import type { Attachment, Message, Sender } from '../wire';
import { h } from './dom';
import { fileSize, fullTime, initials, timeOf } from './format';
import { richText, safeHref } from './linkify';
import { botParts, type BotActions } from './bot';

export interface TimelineModel {
  t: Strings;
  locale: Locale;
  origin: string;
  greeting: { name: string; text: string } | null;
  conversations: Array<{ id: number; messages: Message[] }>;
  pending: Pending[];
  /** Whether pending messages are on their way (socket open) or waiting for the network. */
  connected: boolean;
  /** conversation → highest seq an agent has read. */
  agentRead: Record<string, number>;
  typing: string | null;
  bot: BotActions;
}

export function renderTimeline(model: TimelineModel): Node[] {
  const { t } = model;
  const nodes: Node[] = [];
  let previous: Sender | null = null;
  // A bot that greets in the conversation itself replaces the inbox's static greeting.
  const botGreets = model.conversations.some((c) => (c.messages[0]?.data?.bot as { kind?: string } | undefined)?.kind === 'greeting');
  if (model.greeting?.text && !botGreets) {
    const sender: Sender = { type: 'bot', id: null, name: model.greeting.name };
    nodes.push(bubble(model, sender, false, [textPart(model.greeting.text)], null, 'greeting'));
    previous = sender;
  }
  const newest = model.conversations[model.conversations.length - 1];
  const lastOwn = newest ? [...newest.messages].reverse().find((m) => m.sender.type === 'contact') : undefined;
  model.conversations.forEach((conversation, index) => {
    if (index > 0) {
      nodes.push(h('div', { class: 'divider', role: 'separator' }, t.newConversation));
      previous = null;
    }
    for (const message of conversation.messages) {
      if (message.kind === 'event') {
        nodes.push(h('div', { class: 'event', 'data-seq': message.seq }, eventText(message, t)));
        previous = null;
        continue;
      }
      const own = message.sender.type === 'contact';
      const showName = !own && (!previous || previous.type !== message.sender.type || previous.id !== message.sender.id);
      let status: string | null = null;
      if (message === lastOwn) {
        status = message.seq <= (model.agentRead[conversation.id] ?? 0) ? t.read : t.sent;
      }
      const parts = [...content(model, message.body, message.attachments), ...botParts(message, t, model.origin, model.bot)];
      const sender = message.sender.type === 'bot' && !message.sender.name ? { ...message.sender, name: t.botName } : message.sender;
      const el = bubble(model, sender, own, parts, {
        time: message.created_at,
        status,
      });
      el.dataset.seq = String(message.seq);
      if (message.client_id) el.dataset.clientId = message.client_id;
      if (!showName) el.classList.add('cont');
      nodes.push(el);
      previous = message.sender;
    }
  });
  for (const item of model.pending) {
    const status = item.error ? `${t.failed}: ${item.error}` : model.connected ? t.sending : t.queued;
    const el = bubble(
      model,
      { type: 'contact', id: null, name: '' },
      true,
      content(model, item.body, item.attachments),
      { time: item.created_at, status },
    );
    el.classList.add(item.error ? 'failed' : 'pending');
    el.dataset.clientId = item.client_id;
    nodes.push(el);
  }
  if (model.typing !== null) {
    nodes.push(
      h('div', { class: 'typing', 'aria-live': 'polite' }, h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), t.typing(model.typing)),
    );
  }
  return nodes;
}

function bubble(
  model: TimelineModel,
  sender: Sender,
  own: boolean,
  parts: Node[],
  meta: { time: string; status: string | null } | null,
  extraClass = '',
): HTMLElement {
  const avatar = own ? null : h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(sender.name));
  const name = own ? null : h('span', { class: 'name' }, sender.name);
  const metaEl = meta
    ? h(
        'span',
        { class: 'meta' },
        h('time', { datetime: meta.time, title: fullTime(meta.time, model.locale) }, timeOf(meta.time, model.locale)),
        meta.status ? h('span', { class: 'status' }, ` · ${meta.status}`) : null,
      )
    : null;
  // A picture on its own needs no coloured bubble around it.
  const media = parts.length > 0 && parts.every((p) => p instanceof HTMLElement && p.classList.contains('image'));
  return h(
    'div',
    { class: `msg ${own ? 'own' : 'other'} ${extraClass}`.trim() },
    avatar,
    h('div', { class: 'col' }, name, h('div', { class: media ? 'bubble media' : 'bubble' }, ...parts), metaEl),
  );
}

function textPart(text: string): Node {
  return h('p', {}, ...richText(text));
}

function content(model: TimelineModel, body: string, attachments: Attachment[]): Node[] {
  const parts: Node[] = [];
  if (body) parts.push(textPart(body));
  for (const a of attachments ?? []) parts.push(attachmentNode(model, a));
  return parts;
}

function attachmentNode(model: TimelineModel, a: Attachment): Node {
  const href = safeHref(a.url, model.origin);
  const thumb = a.thumbnail_url ? safeHref(a.thumbnail_url, model.origin) : null;
  if (a.kind === 'image' && (thumb || href)) {
    return h(
      'a',
      { class: 'image', href: href ?? undefined, target: '_blank', rel: 'noopener noreferrer' },
      h('img', { src: thumb ?? href ?? '', alt: a.name, loading: 'lazy' }),
    );
  }
  return h(
    'a',
    { class: 'file', href: href ?? undefined, download: a.name, target: '_blank', rel: 'noopener noreferrer' },
    h('span', { class: 'file-name' }, a.name),
    h('span', { class: 'file-size' }, fileSize(a.size)),
  );
}

function eventText(message: Message, t: Strings): string {
  const data = message.data ?? {};
  const to = typeof data.to === 'string' ? data.to : '';
  // Known status events are worded in the visitor's language; others keep the server's text.
  if (to && (data.event === 'status_changed' || data.event === 'reopened')) {
    return t.statusChanged(t.status[to] ?? to);
  }
  return message.body;
}
