/** The privacy notice, and where consent is required, the visitor's answer to it. */

import type { Strings } from '../i18n';
import type { PrivacyNotice } from '../wire';
import { h } from './dom';

export function consentForm(t: Strings, privacy: PrivacyNotice, onAnswer: (accepted: boolean) => Promise<boolean>): HTMLElement {
  const note = h('p', { class: 'form-note', role: 'status' });
  const accept = h('button', { type: 'button', class: 'primary' }, t.consentAccept);
  const decline = h('button', { type: 'button', class: 'link' }, t.consentDecline);
  const answer = (accepted: boolean) => {
    accept.disabled = decline.disabled = true;
    void onAnswer(accepted).then((saved) => {
      accept.disabled = decline.disabled = false;
      note.textContent = !saved ? t.consentError : accepted ? '' : t.consentDeclined;
    });
  };
  accept.addEventListener('click', () => answer(true));
  decline.addEventListener('click', () => answer(false));
  return h(
    'div',
    { class: 'form consent', role: 'region', 'aria-label': t.privacyTitle },
    h('strong', {}, t.privacyTitle),
    h('p', { class: 'notice-text' }, privacy.notice),
    note,
    h('div', { class: 'actions' }, accept, decline),
  );
}

/** A notice that asks for nothing: shown above the composer before the first message. */
export function noticeLine(t: Strings, privacy: PrivacyNotice): HTMLElement {
  return h('details', { class: 'privacy-line' }, h('summary', {}, t.privacyTitle), h('p', { class: 'notice-text' }, privacy.notice));
}
