// The conversation list: what is loaded, which tab and filters are chosen, and live updates.
// Every conversation seen is kept by id; the list shown is those matching the current tab and
// filters, newest activity first, so a live update moves a row in or out without a reload.
import { defineStore } from "pinia";
import { computed, reactive, ref } from "vue";
import { conversationsApi, type ListFilters } from "../api/conversations";
import type { Conversation, Message, Status } from "../api/types";
import { useSessionStore } from "./session";

export type Tab = "mine" | "unassigned" | "all";

export const useConversationsStore = defineStore("conversations", () => {
  const session = useSessionStore();
  const byId = reactive<Record<number, Conversation>>({});
  const tab = ref<Tab>("mine");
  const status = ref<Status | "">("");
  const inbox = ref<number | null>(null);
  const team = ref<number | null>(null);
  const loading = ref(false);
  const failed = ref(false);
  const nextBefore = ref<string | null>(null);
  const nextBeforeId = ref<number | null>(null);
  /** The oldest activity loaded for the current query: rows older than it wait for "load more". */
  const floor = ref<string | null>(null);
  let generation = 0;

  function matchesTab(c: Conversation, which: Tab): boolean {
    if (which === "mine") return c.assignee?.id === session.memberId;
    if (which === "unassigned") return c.assignee === null;
    return true;
  }

  function matches(c: Conversation, which: Tab = tab.value): boolean {
    return (
      matchesTab(c, which) &&
      (!status.value || c.status === status.value) &&
      (inbox.value === null || c.inbox.id === inbox.value) &&
      (team.value === null || c.team?.id === team.value)
    );
  }

  const newestFirst = (a: Conversation, b: Conversation) =>
    b.last_activity_at.localeCompare(a.last_activity_at) || b.id - a.id;

  const list = computed(() =>
    Object.values(byId)
      .filter((c) => matches(c) && (floor.value === null || c.last_activity_at >= floor.value))
      .sort(newestFirst),
  );

  function unreadIn(which: Tab): number {
    return Object.values(byId)
      .filter((c) => matches(c, which))
      .reduce((sum, c) => sum + (c.unread ?? 0), 0);
  }

  const totalUnread = computed(() =>
    Object.values(byId).reduce((sum, c) => sum + (c.unread ?? 0), 0),
  );

  function filters(): ListFilters {
    const assignee = tab.value === "mine" ? "me" : tab.value === "unassigned" ? "none" : null;
    return { status: status.value, inbox: inbox.value, team: team.value, assignee };
  }

  async function load(more = false): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    const mine = ++generation;
    loading.value = true;
    failed.value = false;
    try {
      const page = await conversationsApi.list(slug, {
        ...filters(),
        before: more ? nextBefore.value : null,
        before_id: more ? nextBeforeId.value : null,
      });
      if (mine !== generation) return;
      for (const c of page.results) upsert(c);
      nextBefore.value = page.next_before;
      nextBeforeId.value = page.next_before_id ?? null;
      floor.value = page.next_before;
    } catch {
      if (mine === generation) failed.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function upsert(c: Conversation): Conversation {
    const known = byId[c.id];
    byId[c.id] = { ...known, ...c, unread: c.unread ?? known?.unread ?? 0 };
    return byId[c.id]!;
  }

  async function fetchOne(id: number): Promise<Conversation | null> {
    const slug = session.slug;
    if (!slug) return null;
    try {
      return upsert(await conversationsApi.get(slug, id));
    } catch {
      return null;
    }
  }

  /** A message arrived live: move the row up, show it as the preview (events are not
   * previewed, as on the server) and count it unread unless it is being read. */
  function noteMessage(message: Message, beingRead: boolean): void {
    const c = byId[message.conversation];
    if (!c) return;
    const newest = message.seq >= c.last_seq;
    if (message.seq > c.last_seq) c.last_seq = message.seq;
    if (message.created_at > c.last_activity_at) c.last_activity_at = message.created_at;
    if (newest && message.kind !== "event") {
      c.last_message = {
        body: message.body,
        kind: message.kind,
        sender_type: message.sender.type,
        private: message.private,
      };
    }
    if (!beingRead) c.unread = (c.unread ?? 0) + 1;
  }

  function markRead(id: number): void {
    const c = byId[id];
    if (c) c.unread = 0;
  }

  function reset(): void {
    for (const key of Object.keys(byId)) delete byId[Number(key)];
    nextBefore.value = null;
    nextBeforeId.value = null;
    floor.value = null;
    generation++;
  }

  return {
    byId,
    tab,
    status,
    inbox,
    team,
    loading,
    failed,
    nextBefore,
    list,
    totalUnread,
    unreadIn,
    matches,
    load,
    upsert,
    fetchOne,
    noteMessage,
    markRead,
    reset,
  };
});
