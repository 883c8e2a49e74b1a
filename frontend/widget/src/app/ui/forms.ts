/** The two forms shown instead of the composer: pre-chat details and leave-a-message. */

import type { Strings } from '../i18n';
import type { Prechat } from '../wire';
import { h } from './dom';

export interface PrechatValues {
  name?: string;
  email?: string;
  topic?: string;
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function prechatForm(t: Strings, prechat: Prechat, onSubmit: (values: PrechatValues) => Promise<void>): HTMLElement {
  const fields = prechat.fields.length ? prechat.fields : ['name', 'email'];
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 120 });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const topic = h('select', { name: 'topic', required: true }, h('option', { value: '' }, t.chooseTopic), ...prechat.topics.map((x) => h('option', { value: x }, x)));
  const submit = h('button', { type: 'submit', class: 'primary' }, t.startChat);
  const form = h(
    'form',
    { class: 'form prechat' },
    h('p', {}, t.prechatIntro),
    fields.includes('name') ? field(t.name, name) : null,
    fields.includes('email') ? field(t.email, email) : null,
    fields.includes('topic') && prechat.topics.length ? field(t.topic, topic) : null,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    const values: PrechatValues = {};
    if (fields.includes('name')) values.name = name.value.trim();
    if (fields.includes('email')) values.email = email.value.trim();
    if (fields.includes('topic') && topic.value) values.topic = topic.value;
    onSubmit(values).finally(() => (submit.disabled = false));
  });
  return form;
}

export function leaveMessageForm(
  t: Strings,
  onSubmit: (values: { name: string; email: string; body: string }) => Promise<boolean>,
): HTMLElement {
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 120 });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const body = h('textarea', { name: 'body', rows: 4, required: true, maxlength: 5000 });
  const submit = h('button', { type: 'submit', class: 'primary' }, t.leaveSend);
  const note = h('p', { class: 'form-note', role: 'status' });
  const form = h(
    'form',
    { class: 'form leave' },
    h('p', {}, t.leaveIntro),
    field(t.name, name),
    field(t.email, email),
    field(t.leaveBody, body),
    submit,
    note,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    onSubmit({ name: name.value.trim(), email: email.value.trim(), body: body.value.trim() }).then((ok) => {
      if (ok) {
        form.replaceChildren(h('p', { class: 'thanks', role: 'status' }, t.leaveThanks));
      } else {
        note.textContent = t.leaveError;
        submit.disabled = false;
      }
    });
  });
  return form;
}
