/**
 * Binds the chat to the DOM: opens and closes the panel, picks what the footer shows (composer,
 * pre-chat form or leave-a-message form), renders the timeline and the badge on every change,
 * and turns files (picked, pasted or dropped) into uploads with progress.
 */

import { ApiError } from './api';
import { Chat } from './chat';
import { strings, type Locale } from './i18n';
import { Store } from './storage';
import { createComposer, type Composer } from './ui/composer';
import { consentForm, noticeLine } from './ui/consent';
import { createCsatCard, type CsatCard } from './ui/csat';
import { h, replaceChildren } from './ui/dom';
import { uuid } from './ui/format';
import { leaveMessageForm, prechatForm } from './ui/forms';
import { createHelpSearch, type HelpSearch } from './ui/help';
import { renderTimeline } from './ui/messages';
import { handoffBar } from './ui/bot';
import { createShell, type Shell } from './ui/shell';

export interface WidgetConfig {
  inbox: string;
  origin: string;
  locale: Locale;
}

type FooterMode = 'composer' | 'consent' | 'prechat' | 'leave' | 'none';

export class Widget {
  private readonly t;
  private readonly shell: Shell;
  private readonly chat: Chat;
  private readonly composer: Composer;
  private readonly uploads: HTMLElement;
  private readonly csat: CsatCard;
  private readonly help: HelpSearch;
  private footerMode: FooterMode | null = null;
  private leaveSent = false;
  /** The visitor chose to leave a message after waiting too long in the queue. */
  private leaveChosen = false;
  private queueKey = '';
  private uploadsEnabled = true;

  constructor(private readonly config: WidgetConfig) {
    this.t = strings(config.locale);
    this.shell = createShell(this.t, config.locale);
    this.chat = new Chat(config.inbox, config.origin, new Store(config.inbox));
    this.composer = createComposer(this.t, {
      onSend: (text) => this.chat.send(text),
      onTyping: () => this.chat.noteTyping(),
      onFiles: (files) => void this.upload(files),
    });
    this.uploads = h('div', { class: 'uploads' });
    this.csat = createCsatCard(this.t, (rating, comment) => this.chat.rate(rating, comment));
    this.composer.dropTarget(this.shell.footer);
    this.help = createHelpSearch(this.t, this.chat.api, config.inbox, config.locale);
    this.shell.log.before(this.help.el);
    this.chat.onChange = () => this.render();
    this.bindEvents();
    // A returning visitor reconnects at once (badge, missed replies); a new one only on open,
    // so merely viewing a page never creates a contact.
    if (this.chat.hasToken) void this.chat.start().catch(() => {});
    this.render();
  }

  private get isOpen(): boolean {
    return !this.shell.panel.hidden;
  }

  open(): void {
    const { panel, launcher } = this.shell;
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.setAttribute('aria-label', this.t.close);
    if (!this.chat.session) void this.chat.start().catch(() => {});
    this.render();
    this.scrollToEnd();
    this.focusFooter();
  }

  close(): void {
    const { panel, launcher } = this.shell;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-label', this.t.open);
    launcher.focus();
    this.render();
  }

  private bindEvents(): void {
    const { launcher, close, panel } = this.shell;
    launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    close.addEventListener('click', () => this.close());
    panel.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Escape') this.close();
    });
    document.addEventListener('visibilitychange', () => this.render());
  }

  private focusFooter(): void {
    if (this.footerMode === 'composer') this.composer.focus();
    else this.shell.footer.querySelector<HTMLElement>('input, textarea')?.focus();
  }

  private render(): void {
    const { chat, t, shell } = this;
    const unread = chat.unread();
    const visible = this.isOpen && document.visibilityState === 'visible';
    if (visible && unread) chat.markRead(); // re-renders through onChange when it moves
    shell.badge.hidden = this.isOpen || unread === 0;
    shell.badge.textContent = unread > 9 ? '9+' : String(unread);
    shell.launcher.setAttribute('aria-label', this.isOpen ? t.close : unread ? `${t.open} (${t.unread(unread)})` : t.open);
    if (!this.isOpen) return;

    const inbox = chat.session?.inbox;
    shell.title.textContent = inbox?.name || t.title;
    this.renderNotice();
    this.renderQueue();
    this.renderFooter();
    // The help search is for before a chat: once the visitor has written, the chat takes over.
    this.help.el.hidden = chat.status === 'refused' || !this.isFresh();

    const log = shell.log;
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    replaceChildren(
      log,
      ...renderTimeline({
        t,
        locale: this.config.locale,
        origin: this.config.origin,
        greeting: inbox ? { name: inbox.name, text: inbox.greeting } : null,
        conversations: chat.timeline.conversationIds().map((id) => ({ id, messages: chat.timeline.messages(id) })),
        pending: chat.outbox,
        connected: chat.status === 'open',
        agentRead: chat.agentRead,
        typing: chat.typing,
        bot: {
          ratings: chat.botRatings,
          choicesOpen: chat.botChoicesOpen(),
          choose: (conversation, faq) => void chat.botChoose(conversation, faq).catch(() => {}),
          rate: (message, rating) => void chat.botRate(message, rating).catch(() => {}),
        },
      }),
      this.csatCard(),
      chat.botConversation() !== null ? handoffBar(t, () => void chat.botHandoff().catch(() => {})) : null,
    );
    if (atEnd || chat.outbox.length) this.scrollToEnd();
  }

  /** The rating card of the resolved current conversation, while it can be answered. */
  private csatCard(): HTMLElement | null {
    const state = this.chat.csat;
    // Once the visitor starts a new conversation, the card of the old one goes away.
    if (!state || state.conversation !== this.chat.currentConversation()) return null;
    if (!(state.open || state.answered_at)) return null;
    this.csat.update(state);
    return this.csat.el;
  }

  private renderNotice(): void {
    const { chat, t, shell } = this;
    let text = '';
    if (chat.status === 'refused') text = t.connectError;
    else if (chat.status === 'offline') text = t.offline;
    else if (chat.status === 'connecting' && chat.everConnected) text = t.reconnecting;
    shell.notice.hidden = !text;
    shell.notice.textContent = text;
    shell.notice.classList.toggle('error', chat.status === 'refused');
  }

  /** "You're number N in line · about M min", and the way out after a long wait. Rebuilt only
   * when it changes, so a screen reader announces each new place once. */
  private renderQueue(): void {
    const { chat, t, shell } = this;
    const place = chat.status === 'refused' ? null : chat.queue;
    const offer = Boolean(place?.offer_leave_message);
    const key = place ? `${place.position}|${place.estimated_wait_seconds}|${offer}|${this.leaveChosen}` : '';
    if (key === this.queueKey) return;
    this.queueKey = key;
    shell.queue.hidden = !place;
    if (!place) return replaceChildren(shell.queue);
    const wait = place.estimated_wait_seconds;
    let line = t.inLine(place.position ?? 1);
    if (typeof wait === 'number') line += ` · ${t.waitMinutes(Math.max(1, Math.ceil(wait / 60)))}`;
    const toggle = () => {
      this.leaveChosen = !this.leaveChosen;
      this.render();
      this.focusFooter();
    };
    replaceChildren(
      shell.queue,
      h('p', { class: 'line' }, line),
      offer && !this.leaveChosen ? h('p', {}, t.waitLong) : null,
      offer ? h('button', { type: 'button', class: 'link', onclick: toggle }, this.leaveChosen ? t.backToChat : t.leaveInstead) : null,
    );
  }

  private wantedFooter(): FooterMode {
    const { chat } = this;
    const inbox = chat.session?.inbox;
    if (chat.status === 'refused') return 'none';
    // Until the session answers we do not know whether to chat, ask first or take a message;
    // offline, the composer lets the visitor write anyway (the outbox keeps it).
    if (!inbox) return chat.status === 'offline' ? 'composer' : 'none';
    // The workspace requires consent to its privacy notice before any conversation starts.
    const privacy = chat.session?.privacy;
    if (privacy?.consent_required && !privacy.consented) return 'consent';
    if (inbox?.online === false && !this.leaveSent) return 'leave';
    if (this.leaveChosen && chat.queue?.offer_leave_message) return 'leave';
    if (inbox?.prechat?.enabled && !chat.prechatDone && this.isFresh()) return 'prechat';
    return 'composer';
  }

  /** No conversation yet and nothing waiting to be sent. */
  private isFresh(): boolean {
    return this.chat.timeline.conversationIds().length === 0 && this.chat.outbox.length === 0;
  }

  private renderFooter(): void {
    const mode = this.wantedFooter();
    if (mode === this.footerMode) return;
    this.footerMode = mode;
    const { footer } = this.shell;
    const { t, chat } = this;
    if (mode === 'composer') {
      this.composer.setUploads(this.uploadsEnabled);
      const privacy = chat.session?.privacy;
      const notice = privacy && !privacy.consent_required && privacy.notice ? noticeLine(t, privacy) : null;
      replaceChildren(footer, notice, this.uploads, this.composer.el);
    } else if (mode === 'consent' && chat.session?.privacy) {
      replaceChildren(footer, consentForm(t, chat.session.privacy, (accepted) => chat.consent(accepted)));
    } else if (mode === 'prechat' && chat.session?.inbox.prechat) {
      replaceChildren(
        footer,
        prechatForm(t, chat.session.inbox.prechat, async ({ topic, ...details }) => {
          // The name and e-mail go to the contact now; the topic rides on the first message.
          await chat.start(details).catch(() => {});
          chat.completePrechat(topic ?? '');
          this.focusFooter();
        }),
      );
    } else if (mode === 'leave') {
      // One id per form: a resend after a lost answer finds the message left, not a second one.
      const clientId = uuid();
      replaceChildren(
        footer,
        leaveMessageForm(t, async (values) => {
          const token = chat.session?.token;
          if (!token) return false;
          try {
            await chat.api.leaveMessage(token, { ...values, client_id: clientId });
            return true;
          } catch {
            return false;
          }
        }),
      );
    } else {
      replaceChildren(footer);
    }
    // The panel opened before the session answered: focus moves to what just appeared, unless
    // the visitor has moved it somewhere themselves.
    const active = this.shell.host.shadowRoot?.activeElement;
    if (!active || active === this.shell.launcher) this.focusFooter();
  }

  private scrollToEnd(): void {
    const log = this.shell.log;
    log.scrollTop = log.scrollHeight;
  }

  private async upload(files: File[]): Promise<void> {
    if (!this.uploadsEnabled) return;
    if (!this.chat.session) await this.chat.start().catch(() => {});
    const token = this.chat.session?.token;
    if (!token) return;
    for (const file of files) {
      const bar = h('progress', { max: 100, value: 0 });
      const label = h('span', {}, this.t.uploading(file.name, 0));
      const row = h('div', { class: 'upload', role: 'status' }, label, bar);
      this.uploads.appendChild(row);
      this.chat.api
        .upload(token, file, (fraction) => {
          const pct = Math.round(fraction * 100);
          bar.value = pct;
          label.textContent = this.t.uploading(file.name, pct);
        })
        .then((attachment) => {
          row.remove();
          this.chat.send('', [attachment]);
        })
        .catch((error: unknown) => {
          const code = error instanceof ApiError ? error.code : '';
          const status = error instanceof ApiError ? error.status : 0;
          if (status === 404 || status === 405) {
            // This server has no upload API yet: stop offering it.
            this.uploadsEnabled = false;
            this.composer.setUploads(false);
          }
          row.className = 'upload error';
          label.textContent =
            status === 404 || status === 405
              ? this.t.uploadsUnavailable
              : code === 'too_large' || status === 413
                ? this.t.tooLarge
                : code === 'type_not_allowed'
                  ? this.t.typeNotAllowed
                  : this.t.uploadError;
          bar.remove();
          window.setTimeout(() => row.remove(), 6000);
        });
    }
  }
}
