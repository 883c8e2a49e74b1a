/**
 * What a bot message adds under its text: the source article, citations, "did you mean" choices
 * and the helpful / not helpful buttons; and the "Talk to a person" bar while the bot has the
 * conversation. The server sends these as `message.data.bot` (docs/bot.md).
 */

import type { Strings } from '../i18n';
import type { Message } from '../wire';
import { h } from './dom';
import { safeHref } from './linkify';

export interface BotActions {
  /** message id → the visitor's rating of that answer */
  ratings: Record<number, string>;
  choose(conversation: number, faq: number): void;
  rate(message: number, rating: 'helpful' | 'unhelpful'): void;
  /** The bot's latest message when it offers choices the server still accepts; else null. */
  choicesOpen: number | null;
}

interface BotData {
  kind?: string;
  source?: { title?: string; url?: string };
  citations?: Array<{ n?: string; title?: string; url?: string }>;
  choices?: Array<{ faq?: number; question?: string }>;
}

function link(url: string | undefined, text: string, origin: string): Node {
  const href = url ? safeHref(url, origin) : null;
  return href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text) : h('span', {}, text);
}

export function botParts(message: Message, t: Strings, origin: string, actions: BotActions): Node[] {
  const data = (message.data?.bot ?? null) as BotData | null;
  if (!data) return [];
  const parts: Node[] = [];
  if (data.citations?.length) {
    parts.push(
      h(
        'ol',
        { class: 'bot-cites' },
        ...data.citations.map((c) => h('li', {}, link(c.url, `[${c.n ?? ''}] ${c.title ?? ''}`, origin))),
      ),
    );
  } else if (data.source?.url) {
    parts.push(h('p', { class: 'bot-source' }, `${t.botSource}: `, link(data.source.url, data.source.title ?? '', origin)));
  }
  if (data.kind === 'suggest' && data.choices?.length) {
    const live = actions.choicesOpen === message.id;
    parts.push(
      h(
        'div',
        { class: 'bot-choices', role: 'group', 'aria-label': t.botChoices },
        ...data.choices.map((c) =>
          h(
            'button',
            { type: 'button', class: 'chip', disabled: !live, onclick: () => c.faq && actions.choose(message.conversation, c.faq) },
            c.question ?? '',
          ),
        ),
      ),
    );
  }
  if (data.kind === 'answer') {
    const rated = actions.ratings[message.id];
    const button = (value: 'helpful' | 'unhelpful', label: string, icon: string) =>
      h(
        'button',
        {
          type: 'button',
          class: rated === value ? 'rate on' : 'rate',
          'aria-pressed': String(rated === value),
          'aria-label': label,
          title: label,
          'data-rating': value,
          onclick: () => actions.rate(message.id, value),
        },
        icon,
      );
    parts.push(
      h(
        'div',
        { class: 'bot-rate' },
        button('helpful', t.botHelpful, '👍'),
        button('unhelpful', t.botUnhelpful, '👎'),
        rated ? h('span', { class: 'thanks', role: 'status' }, t.botThanks) : null,
      ),
    );
  }
  return parts;
}

export function handoffBar(t: Strings, onHandoff: () => void): HTMLElement {
  return h(
    'div',
    { class: 'bot-bar' },
    h('button', { type: 'button', class: 'link', onclick: onHandoff }, t.botHandoff),
  );
}
