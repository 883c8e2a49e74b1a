/**
 * "Search help articles": shown above the timeline until the visitor starts a conversation.
 * It asks the server's help search (published articles of the inbox's workspace, in the
 * visitor's language) as they type, and links each result to its help-center page.
 */

import type { HelpHit, WidgetApi } from '../api';
import type { Strings } from '../i18n';
import { h, replaceChildren } from './dom';

const DEBOUNCE_MS = 300;
const MIN_QUERY = 2;

export interface HelpSearch {
  el: HTMLElement;
}

export function createHelpSearch(t: Strings, api: WidgetApi, inbox: string, locale: string): HelpSearch {
  const input = h('input', {
    type: 'search',
    class: 'help-q',
    placeholder: t.helpPlaceholder,
    'aria-label': t.helpTitle,
    maxlength: 200,
    autocomplete: 'off',
  });
  const results = h('div', { class: 'help-results', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'help', role: 'search' }, h('p', { class: 'help-title' }, t.helpTitle), input, results);
  let timer = 0;
  let asked = 0;

  const show = (hits: HelpHit[], query: string): void => {
    if (!hits.length) return replaceChildren(results, h('p', { class: 'help-none' }, t.helpNone(query)));
    replaceChildren(
      results,
      h(
        'ul',
        {},
        ...hits.map((hit) =>
          h(
            'li',
            {},
            // Only our server's own web links; the text is set as text, never as markup.
            h('a', { href: /^https?:\/\//.test(hit.url) ? hit.url : null, target: '_blank', rel: 'noopener' }, hit.title),
            h('p', {}, hit.snippet),
          ),
        ),
      ),
    );
  };

  const search = async (): Promise<void> => {
    const query = input.value.trim();
    const mine = ++asked;
    if (query.length < MIN_QUERY) return replaceChildren(results);
    try {
      const found = await api.helpSearch(inbox, query, locale);
      if (mine === asked) show(found.results, query);
    } catch {
      if (mine === asked) replaceChildren(results, h('p', { class: 'help-none' }, t.helpError));
    }
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(), DEBOUNCE_MS);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    void search();
  });
  return { el: form };
}
