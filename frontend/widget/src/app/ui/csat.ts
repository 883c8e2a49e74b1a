/**
 * The rating card shown under a resolved conversation: five stars, an optional comment and a
 * thank-you; while the edit window is open the visitor may change their answer.
 */

import type { Strings } from '../i18n';
import type { CsatState } from '../wire';
import { h, replaceChildren } from './dom';

const COMMENT_MAX = 1000;

export interface CsatCard {
  el: HTMLElement;
  /** Shows the state; the card is rebuilt only when the state changes, so typing is kept. */
  update(state: CsatState): void;
}

export function createCsatCard(t: Strings, onRate: (rating: number, comment: string) => Promise<void>): CsatCard {
  const el = h('section', { class: 'csat', 'aria-label': t.csatTitle });
  let key = '';
  let editing = false;
  let current: CsatState | null = null;

  function stars(selected: number, onPick?: (n: number) => void): HTMLElement {
    const row = h('div', { class: 'stars', role: onPick ? 'radiogroup' : 'img', 'aria-label': onPick ? t.csatTitle : t.csatStar(selected) });
    for (let n = 1; n <= 5; n++) {
      const props = { class: n <= selected ? 'star on' : 'star', 'data-value': n, 'aria-label': t.csatStar(n) };
      row.appendChild(
        onPick
          ? h('button', { ...props, type: 'button', role: 'radio', 'aria-checked': String(n === selected), onclick: () => onPick(n) }, '★')
          : h('span', { ...props, 'aria-hidden': 'true' }, '★'),
      );
    }
    return row;
  }

  function form(state: CsatState): HTMLElement {
    let rating = state.rating ?? 0;
    const comment = h('textarea', { rows: 2, maxlength: COMMENT_MAX, 'aria-label': t.csatComment, placeholder: t.csatComment });
    comment.value = state.comment;
    const send = h('button', { type: 'submit', class: 'primary', disabled: !rating }, t.csatSend);
    const note = h('p', { class: 'form-note', role: 'status' });
    const picker = h('div', {});
    const pick = (n: number) => {
      rating = n;
      send.disabled = false;
      replaceChildren(picker, stars(n, pick));
      picker.querySelector<HTMLElement>(`[data-value="${n}"]`)?.focus();
    };
    replaceChildren(picker, stars(rating, pick));
    const box = h('form', { class: 'form' }, h('p', { class: 'csat-title' }, t.csatTitle), picker, comment, send, note);
    box.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!rating) return;
      send.disabled = true;
      onRate(rating, comment.value.trim())
        .then(() => {
          editing = false;
          if (current) render(current, true);
        })
        .catch((error: { status?: number }) => {
          note.textContent = error?.status === 409 ? t.csatClosed : t.csatError;
          send.disabled = false;
        });
    });
    return box;
  }

  function render(state: CsatState, force = false): void {
    current = state;
    const answered = state.answered_at !== null && state.rating !== null;
    const next = `${state.conversation}|${state.rating}|${state.comment}|${state.answered_at}|${state.open}|${editing}`;
    if (next === key && !force) return;
    key = next;
    if (!answered || editing) {
      replaceChildren(el, state.open ? form(state) : null);
      return;
    }
    const change = () => {
      editing = true;
      render(state, true);
      el.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    };
    replaceChildren(
      el,
      h('p', { class: 'thanks', role: 'status' }, t.csatThanks),
      stars(state.rating ?? 0),
      state.comment ? h('p', { class: 'csat-comment' }, state.comment) : null,
      state.open ? h('button', { type: 'button', class: 'link', onclick: change }, t.csatChange) : null,
    );
  }

  return { el, update: (state) => render(state) };
}
