// Tickets as the console shows them: the list (view, filters, ordering, pages, counts, the
// rows selected for a bulk action), every ticket seen by id (a chat's ticket panel reads the
// same row), the workspace's custom field definitions, and live `ticket.updated` frames.
import { defineStore } from "pinia";
import { computed, reactive, ref } from "vue";
import {
  ticketsApi,
  type BulkAction,
  type CustomField,
  type ListQuery,
  type Ordering,
  type Ticket,
  type TicketFilters,
  type TicketView,
  type ViewCounts,
} from "../api/tickets";
import { useSessionStore } from "./session";

const EMPTY_FILTERS: Required<TicketFilters> = {
  status: "",
  priority: "",
  sla: "",
  tag: "",
  team: null,
  inbox: null,
  q: "",
};

export const useTicketsStore = defineStore("tickets", () => {
  const session = useSessionStore();
  /** Every ticket seen, by id (a ticket's id is its conversation's). */
  const byId = reactive<Record<number, Ticket>>({});
  /** Conversations known not to be tickets (a 404 from tickets/<id>/). */
  const notTickets = reactive(new Set<number>());
  const view = ref<TicketView>("mine");
  const filters = reactive<Required<TicketFilters>>({ ...EMPTY_FILTERS });
  const ordering = ref<Ordering>("updated");
  const ids = ref<number[]>([]);
  const counts = ref<ViewCounts | null>(null);
  const nextPage = ref<number | null>(null);
  const loading = ref(false);
  const failed = ref(false);
  const selected = ref<Set<number>>(new Set());
  const fields = ref<CustomField[]>([]);
  let fieldsOf: string | null = null;
  let generation = 0;
  let countsTimer = 0;

  const assignee = (): ListQuery["assignee"] =>
    view.value === "mine" ? "me" : view.value === "unassigned" ? "none" : null;

  /** The rows in list order: the server's, kept in step with live changes by the sort key. */
  const rows = computed(() => {
    const list = ids.value.map((id) => byId[id]).filter((t): t is Ticket => t !== undefined);
    const key = ordering.value;
    if (key === "updated") list.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.number - a.number);
    else if (key === "created") list.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.number - a.number);
    else if (key === "number") list.sort((a, b) => b.number - a.number);
    return list;
  });

  /** Whether the server reports SLAs (its tickets carry an `sla` key). */
  const slaAvailable = computed(() => rows.value.some((t) => "sla" in t));

  function query(page = 1): ListQuery {
    return { ...filters, assignee: assignee(), ordering: ordering.value, page };
  }

  async function load(more = false): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    const mine = ++generation;
    loading.value = true;
    failed.value = false;
    try {
      const page = await ticketsApi.list(slug, query(more ? nextPage.value ?? 1 : 1));
      if (mine !== generation) return;
      for (const t of page.results) byId[t.id] = t;
      const fresh = page.results.map((t) => t.id);
      ids.value = more ? [...ids.value, ...fresh.filter((id) => !ids.value.includes(id))] : fresh;
      nextPage.value = page.next_page;
      if (page.counts) counts.value = page.counts;
      if (!more) {
        // Selections survive a reload only for rows still listed.
        selected.value = new Set([...selected.value].filter((id) => fresh.includes(id)));
      }
    } catch {
      if (mine === generation) failed.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function resetFilters(): void {
    Object.assign(filters, EMPTY_FILTERS);
  }

  /** The ticket of a conversation, from memory or the server; null when it is not one. */
  async function lookup(id: number, fresh = false): Promise<Ticket | null> {
    if (!fresh && byId[id]) return byId[id]!;
    if (!fresh && notTickets.has(id)) return null;
    const slug = session.slug;
    if (!slug) return null;
    try {
      const ticket = await ticketsApi.get(slug, id);
      byId[id] = ticket;
      notTickets.delete(id);
      return ticket;
    } catch {
      notTickets.add(id);
      return null;
    }
  }

  /** Whether a conversation is a ticket: true, false, or null while unknown. */
  function isTicket(id: number): boolean | null {
    if (byId[id]) return true;
    return notTickets.has(id) ? false : null;
  }

  /** A conversation changed live (assignee, team, status): a ticket shown is read again, once
   * for a burst of changes. */
  const stale = new Set<number>();
  let staleTimer = 0;
  function noteConversation(id: number): void {
    if (!byId[id]) return;
    stale.add(id);
    window.clearTimeout(staleTimer);
    staleTimer = window.setTimeout(() => {
      const ids = [...stale];
      stale.clear();
      for (const one of ids) void lookup(one, true).then((t) => t && receive(t));
    }, 300);
  }

  /** A ticket from an answer or a live frame: update it where it shows; a new ticket that
   * fits the current view and filters joins the list at once. */
  function receive(ticket: Ticket): void {
    byId[ticket.id] = { ...byId[ticket.id], ...ticket };
    notTickets.delete(ticket.id);
    if (!ids.value.includes(ticket.id) && fits(ticket)) ids.value = [ticket.id, ...ids.value];
    // The views' counts change with it; ask once for a burst of frames.
    window.clearTimeout(countsTimer);
    countsTimer = window.setTimeout(() => void refreshCounts(), 800);
  }

  function fits(t: Ticket): boolean {
    const me = session.memberId;
    if (view.value === "mine" && t.assignee?.id !== me) return false;
    if (view.value === "unassigned" && t.assignee !== null) return false;
    if (filters.status && t.status !== filters.status) return false;
    if (filters.priority && t.priority !== filters.priority) return false;
    if (filters.tag && !t.tags.includes(filters.tag)) return false;
    if (filters.team !== null && t.team?.id !== filters.team) return false;
    if (filters.inbox !== null && t.inbox.id !== filters.inbox) return false;
    if (filters.sla) return (t.sla?.state ?? "none") === filters.sla;
    // Text search is the server's; a live row joins only an unsearched list.
    return !filters.q;
  }

  async function refreshCounts(): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    try {
      const page = await ticketsApi.list(slug, query());
      if (page.counts) counts.value = page.counts;
    } catch {
      // The counts stay as they were; the next change or reload tries again.
    }
  }

  async function update(id: number, changes: Parameters<typeof ticketsApi.update>[2]): Promise<Ticket> {
    const ticket = await ticketsApi.update(session.slug!, id, changes);
    receive(ticket);
    return ticket;
  }

  /** One request for all selected rows; then the rows are read again (one list request). */
  async function bulk(action: BulkAction): Promise<number> {
    const { changed } = await ticketsApi.bulk(session.slug!, [...selected.value], action);
    await load();
    return changed;
  }

  /** The assignee, anyone while it is unassigned, or a supervisor may change a ticket (the
   * server checks the same); the console offers nothing else. */
  function mayChange(ticket: Ticket): boolean {
    return (
      session.permissions.assign_others ||
      ticket.assignee === null ||
      ticket.assignee.id === session.memberId
    );
  }

  function toggle(id: number, on: boolean): void {
    const next = new Set(selected.value);
    if (on) next.add(id);
    else next.delete(id);
    selected.value = next;
  }

  function selectPage(on: boolean): void {
    selected.value = on ? new Set(rows.value.map((t) => t.id)) : new Set();
  }

  async function loadFields(): Promise<CustomField[]> {
    const slug = session.slug;
    if (!slug) return [];
    if (fieldsOf !== slug) {
      fields.value = await ticketsApi.fields(slug);
      fieldsOf = slug;
    }
    return fields.value;
  }

  function reset(): void {
    for (const key of Object.keys(byId)) delete byId[Number(key)];
    notTickets.clear();
    ids.value = [];
    counts.value = null;
    nextPage.value = null;
    selected.value = new Set();
    fields.value = [];
    fieldsOf = null;
    resetFilters();
    generation++;
  }

  return {
    byId,
    view,
    filters,
    ordering,
    rows,
    counts,
    nextPage,
    loading,
    failed,
    selected,
    fields,
    slaAvailable,
    load,
    resetFilters,
    lookup,
    isTicket,
    noteConversation,
    receive,
    update,
    bulk,
    mayChange,
    toggle,
    selectPage,
    loadFields,
    reset,
  };
});
