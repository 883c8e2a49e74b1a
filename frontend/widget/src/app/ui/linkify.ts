/**
 * Message text → text nodes and links. Only http(s) URLs (and bare www. hosts) become links, and
 * only through element properties, so `javascript:` or markup in a message stays plain text.
 */

import { h } from './dom';

// A URL runs to the next whitespace or angle bracket; trailing punctuation is trimmed below.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const TRAILING = /[.,;:!?)\]}'"，。！？）】]+$/;

export function richText(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING, '');
    if (!raw) continue;
    const href = safeHref(raw.startsWith('www.') ? `https://${raw}` : raw);
    if (!href) continue;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    nodes.push(h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow ugc' }, raw));
    last = start + raw.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** An absolute http(s) URL, or null. Relative URLs resolve against the Parley server. */
export function safeHref(url: string, base?: string): string | null {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
