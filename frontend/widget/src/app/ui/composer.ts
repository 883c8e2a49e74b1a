/**
 * The message box: a textarea (Enter sends, Shift+Enter breaks the line), the emoji picker, the
 * attach button, and paste / drag-and-drop of files. It only reports intents; the widget decides.
 */

import type { Strings } from '../i18n';
import { h, icon, ICONS } from './dom';
import { emojiPicker } from './emoji';

export interface ComposerHandlers {
  onSend(text: string): void;
  onTyping(): void;
  onFiles(files: File[]): void;
}

export interface Composer {
  el: HTMLElement;
  focus(): void;
  setUploads(enabled: boolean): void;
  /** Lets the panel accept dropped files anywhere, not only on the textarea. */
  dropTarget(target: HTMLElement): void;
}

export function createComposer(t: Strings, handlers: ComposerHandlers): Composer {
  const input = h('textarea', {
    rows: 1,
    placeholder: t.placeholder,
    'aria-label': t.messageLabel,
    maxlength: 5000,
  });
  const fileInput = h('input', { type: 'file', hidden: true, tabindex: -1, 'aria-hidden': 'true' });
  let picker: HTMLElement | null = null;

  const emojiButton = h('button', { type: 'button', class: 'icon', 'aria-label': t.emoji, 'aria-expanded': 'false', title: t.emoji }, icon(ICONS.smile));
  const attachButton = h('button', { type: 'button', class: 'icon', 'aria-label': t.attach, title: t.attach }, icon(ICONS.clip));
  const sendButton = h('button', { type: 'submit', class: 'icon send', 'aria-label': t.send, title: t.send }, icon(ICONS.send));

  const form = h('form', { class: 'composer' }, attachButton, fileInput, input, emojiButton, sendButton);

  function send(): void {
    const text = input.value.trim();
    if (!text) return;
    handlers.onSend(text);
    input.value = '';
    autosize();
  }

  function autosize(): void {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  function closePicker(refocus: boolean): void {
    picker?.remove();
    picker = null;
    emojiButton.setAttribute('aria-expanded', 'false');
    if (refocus) input.focus();
  }

  function insert(text: string): void {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.setRangeText(text, start, end, 'end');
    input.focus();
    autosize();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
    input.focus();
  });
  input.addEventListener('keydown', (event: KeyboardEvent) => {
    // isComposing: Enter confirms a Chinese IME candidate; it must not send the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (input.value) handlers.onTyping();
  });
  input.addEventListener('paste', (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length) {
      event.preventDefault();
      handlers.onFiles(files);
    }
  });
  emojiButton.addEventListener('click', () => {
    if (picker) return closePicker(true);
    picker = emojiPicker(t.emojiPicker, (emoji) => {
      insert(emoji);
      closePicker(true);
    }, () => closePicker(true));
    form.appendChild(picker);
    emojiButton.setAttribute('aria-expanded', 'true');
    (picker.firstElementChild as HTMLElement | null)?.focus();
  });
  attachButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])];
    fileInput.value = '';
    if (files.length) handlers.onFiles(files);
  });

  return {
    el: form,
    focus: () => input.focus(),
    setUploads(enabled) {
      attachButton.hidden = !enabled;
    },
    dropTarget(target) {
      target.addEventListener('dragover', (event: DragEvent) => {
        if (event.dataTransfer?.types.includes('Files')) {
          event.preventDefault();
          target.classList.add('dropping');
        }
      });
      target.addEventListener('dragleave', () => target.classList.remove('dropping'));
      target.addEventListener('drop', (event: DragEvent) => {
        target.classList.remove('dropping');
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length) {
          event.preventDefault();
          handlers.onFiles(files);
        }
      });
    },
  };
}
