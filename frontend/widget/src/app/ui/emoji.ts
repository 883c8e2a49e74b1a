/**
 * A small emoji picker: the few dozen faces and gestures customer chats actually use. A grid of
 * buttons; arrow keys move between them, Enter/click inserts, Esc closes.
 */

import { h } from './dom';

const EMOJI = [...'😀😃😄😁😊🙂😉😍😘😋😎🤔😐😴😢😭😡😱🙏👍👎👌👏🙌💪👋❤️🎉✅❌⭐🔥💯📦💳🚚🕐📞'.matchAll(/\p{Extended_Pictographic}\uFE0F?/gu)].map(
  (m) => m[0],
);
const COLUMNS = 8;

export function emojiPicker(label: string, onPick: (emoji: string) => void, onClose: () => void): HTMLElement {
  const grid = h('div', { class: 'emoji', role: 'dialog', 'aria-label': label });
  const buttons = EMOJI.map((emoji) =>
    h('button', { type: 'button', 'aria-label': emoji, onclick: () => onPick(emoji) }, emoji),
  );
  buttons.forEach((b) => grid.appendChild(b));
  grid.addEventListener('keydown', (event: KeyboardEvent) => {
    const index = buttons.indexOf(event.target as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    } else if (index >= 0 && event.key in moves) {
      event.preventDefault();
      buttons[Math.max(0, Math.min(buttons.length - 1, index + moves[event.key]))].focus();
    }
  });
  return grid;
}
