/**
 * The widget's frame: a custom element on the host page with an open shadow root (so the page's
 * CSS cannot reach in and ours cannot leak out), the launcher bubble with its unread badge, and
 * the panel's header, notice line, timeline and footer.
 */

import type { Strings } from '../i18n';
import css from '../styles.css?inline';
import { h, icon, ICONS } from './dom';

export interface Shell {
  host: HTMLElement;
  launcher: HTMLButtonElement;
  badge: HTMLElement;
  panel: HTMLElement;
  title: HTMLElement;
  notice: HTMLElement;
  queue: HTMLElement;
  log: HTMLElement;
  footer: HTMLElement;
  close: HTMLButtonElement;
}

export function createShell(t: Strings, locale: string): Shell {
  const host = document.createElement('parley-widget');
  const root = host.attachShadow({ mode: 'open' });
  root.appendChild(h('style', {}, css));

  const badge = h('span', { class: 'badge', hidden: true });
  const launcher = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-label': t.open, 'aria-expanded': 'false', 'aria-controls': 'parley-panel' },
    icon(ICONS.chat),
    badge,
  );
  const title = h('h2', { id: 'parley-title' }, t.title);
  const close = h('button', { type: 'button', class: 'icon close', 'aria-label': t.close, title: t.close }, icon(ICONS.close));
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  const queue = h('div', { class: 'queue', role: 'status', 'aria-live': 'polite', hidden: true });
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': 'parley-title', tabindex: 0 });
  const footer = h('div', { class: 'footer' });
  const panel = h(
    'section',
    { class: 'panel', id: 'parley-panel', role: 'dialog', 'aria-labelledby': 'parley-title', lang: locale, hidden: true },
    h('header', {}, title, close),
    notice,
    queue,
    log,
    footer,
  );
  root.appendChild(h('div', { class: 'root' }, panel, launcher));
  document.body.appendChild(host);
  return { host, launcher, badge, panel, title, notice, queue, log, footer, close };
}
