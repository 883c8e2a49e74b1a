// The live connection: one AgentSocket for the signed-in user, its frames routed to the stores,
// outgoing messages written through it, and notifications raised for what is new.
import { defineStore } from "pinia";
import { ref } from "vue";
import { conversationsApi } from "../api/conversations";
import type { Attachment } from "../api/types";
import { announceAlert } from "../components/dashboards/alertToast";
import { announceSlaAlert } from "../components/sla/slaAlert";
import { AgentSocket, type SocketState } from "../realtime/agentSocket";
import type {
  ConversationSentimentFrame,
  MessageCreatedFrame,
  NotificationFrame,
  ServerFrame,
} from "../realtime/frames";
import { i18n } from "../i18n";
import { uuid4 } from "../lib/uuid";
import { useConversationsStore } from "./conversations";
import { useDirectoryStore } from "./directory";
import { useNotificationsStore } from "./notifications";
import { useRoutingStore } from "./routing";
import { useSessionStore } from "./session";
import { useTicketsStore } from "./tickets";
import { useTimelinesStore } from "./timelines";
import { useToastsStore } from "./toasts";

export const useLiveStore = defineStore("live", () => {
  const state = ref<SocketState>("closed");
  /** The conversation on screen (read as it arrives) and whether the tab is visible. */
  const viewing = ref<number | null>(null);
  let socket: AgentSocket | null = null;
  let openConversation: (id: number) => void = () => {};
  let onSignedOut: () => void = () => {};

  const session = useSessionStore();
  const conversations = useConversationsStore();
  const timelines = useTimelinesStore();
  const directory = useDirectoryStore();
  const notifications = useNotificationsStore();
  const routing = useRoutingStore();
  const toasts = useToastsStore();
  const tickets = useTicketsStore();

  function isRead(conversation: number): boolean {
    return viewing.value === conversation && document.visibilityState === "visible";
  }

  function start(hooks: { open: (id: number) => void; signedOut: () => void }): void {
    openConversation = hooks.open;
    onSignedOut = hooks.signedOut;
    if (socket) return;
    socket = new AgentSocket({
      resume: () => timelines.resume(),
      onFrame: handle,
      onState: (next) => {
        state.value = next;
        if (next === "open") {
          timelines.resendingAll();
          // A console is open again: the server counts this member as present.
          void routing.load();
        }
        else timelines.queuedAll();
      },
      onUnauthenticated: () => {
        socket = null;
        onSignedOut();
      },
    });
    socket.start();
  }

  function stop(): void {
    socket?.stop();
    socket = null;
  }

  function handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "message.created":
        void onMessage(frame);
        break;
      case "notification":
        void onNotification(frame);
        break;
      case "conversation.updated": {
        if (!belongsHere(frame.conversation.inbox?.id)) return;
        routing.touch();
        const isNew = !(frame.conversation.id in conversations.byId);
        conversations.upsert(frame.conversation);
        tickets.noteConversation(frame.conversation.id);
        if (isNew && frame.conversation.status === "queued") {
          const name = frame.conversation.contact?.name ?? "";
          notifications.announce(
            i18n.global.t("notify.newConversation", { name }),
            frame.conversation.inbox?.name ?? "",
            `conversation-${frame.conversation.id}`,
            () => openConversation(frame.conversation.id),
          );
        }
        break;
      }
      case "ticket.updated":
        tickets.receive(frame.ticket);
        break;
      case "conversation.sentiment":
        onSentiment(frame);
        break;
      case "sla.warning":
      case "sla.breached":
        announceSlaAlert(frame, session.slug);
        break;
      case "alert.fired":
        announceAlert(frame, session.slug);
        break;
      case "typing":
        timelines.setTyping(frame.conversation, frame.by, frame.on);
        break;
      case "read":
        if (frame.by.type === "contact") timelines.setContactRead(frame.conversation, frame.seq);
        break;
      case "message.ack":
        // message.created normally follows; if it was missed, read the timeline after its seq.
        window.setTimeout(() => {
          const t = timelines.timelines[frame.message.conversation];
          if (t && !t.ids.has(frame.message.id) && session.slug)
            void timelines.fetchAfter(session.slug, frame.message.conversation);
        }, 1500);
        break;
      case "error":
        if (frame.ref) {
          socket?.settle(frame.ref);
          timelines.setOutgoingState(frame.ref, "failed", frame.detail);
        }
        break;
      default:
        break;
    }
  }

  function belongsHere(inboxId: number | undefined): boolean {
    return inboxId !== undefined && directory.inboxIds.has(inboxId);
  }

  /** Turns already told: a socket in both the inbox's and the assignee's group gets the frame
   * twice. */
  const toldTurns = new Set<string>();

  /** A conversation's sentiment changed: update its badge; when it has just turned negative,
   * tell its assignee (or whoever has it open) with a toast, once. */
  function onSentiment(frame: ConversationSentimentFrame): void {
    const id = frame.conversation;
    const known = conversations.byId[id];
    if (!known) return;
    conversations.upsert({ ...known, sentiment: frame.sentiment });
    const concerned = known.assignee?.id === session.memberId || viewing.value === id;
    if (!frame.turned_negative || !concerned) return;
    const turn = `${id}:${frame.sentiment.turned_negative_at ?? ""}`;
    if (toldTurns.has(turn)) return;
    toldTurns.add(turn);
    const t = i18n.global.t;
    toasts.push({
      title: t("sentiment.turnedNegative", { name: known.contact.name || `#${id}` }),
      body: known.last_message?.body ?? "",
      testid: "toast-sentiment",
      action: { label: t("transfer.open"), run: () => openConversation(id) },
    });
  }

  async function onNotification(frame: NotificationFrame): Promise<void> {
    if (frame.kind !== "transfer") return;
    const id = frame.conversation;
    const conversation = (await conversations.fetchOne(id)) ?? conversations.byId[id];
    const t = i18n.global.t;
    const title = t("transfer.received", {
      by: frame.by?.name ?? t("events.someone"),
      name: conversation?.contact.name ?? `#${id}`,
    });
    const body = frame.note ? t("transfer.receivedNote", { note: frame.note }) : "";
    toasts.push({
      title,
      body,
      testid: "toast-transfer",
      action: { label: t("transfer.open"), run: () => openConversation(id) },
    });
    notifications.announce(title, frame.note, `transfer-${id}`, () => openConversation(id));
  }

  async function onMessage(frame: MessageCreatedFrame): Promise<void> {
    const message = frame.message;
    const id = frame.conversation;
    if (!(id in conversations.byId)) {
      const fetched = await conversations.fetchOne(id);
      if (!fetched || !belongsHere(fetched.inbox.id)) return;
    }
    if (timelines.hasGapBefore(message) && session.slug) {
      await timelines.fetchAfter(session.slug, id);
    }
    const added = timelines.add(message);
    const known = timelines.timelines[id];
    if (!added && known?.loaded) return;
    const read = isRead(id);
    const mine = message.sender.type === "agent" && message.sender.id === session.memberId;
    conversations.noteMessage(message, read || mine);
    if (read) sendRead(id, message.seq);
    if (message.sender.type === "contact" && !read) {
      notifications.announce(
        i18n.global.t("notify.newMessage", { name: message.sender.name }),
        message.body,
        `conversation-${id}`,
        () => openConversation(id),
      );
    }
  }

  function sendMessage(
    conversation: number,
    body: string,
    isPrivate: boolean,
    attachments: Attachment[] = [],
    clientId: string = uuid4(),
  ): void {
    const existing = timelines.findOutgoing(clientId);
    if (existing) existing.state = socket?.isReady ? "sending" : "queued";
    else
      timelines.addOutgoing({
        client_id: clientId,
        conversation,
        body,
        private: isPrivate,
        attachments,
        state: socket?.isReady ? "sending" : "queued",
        error: "",
        created_at: new Date().toISOString(),
      });
    socket?.sendMessage({
      type: "message.create",
      client_id: clientId,
      conversation,
      body,
      attachments: attachments.map((a) => a.id),
      private: isPrivate,
    });
  }

  function retry(clientId: string): void {
    const o = timelines.findOutgoing(clientId);
    if (o) sendMessage(o.conversation, o.body, o.private, o.attachments, o.client_id);
  }

  function sendTyping(conversation: number, on: boolean, isPrivate: boolean): void {
    socket?.sendEphemeral({ type: "typing", conversation, on, private: isPrivate });
  }

  function sendRead(conversation: number, seq: number): void {
    conversations.markRead(conversation);
    if (socket?.sendEphemeral({ type: "read", conversation, seq })) return;
    if (session.slug) void conversationsApi.read(session.slug, conversation, seq).catch(() => {});
  }

  return { state, viewing, start, stop, sendMessage, retry, sendTyping, sendRead };
});
