// Canned responses (quick replies) of the current workspace. The server may not offer them yet:
// `available` turns false on a 404 and the console hides what depends on them.
import { defineStore } from "pinia";
import { ref } from "vue";
import { cannedApi } from "../api/canned";
import { ApiError } from "../api/http";
import type { CannedResponse, CannedResponseInput } from "../api/types";

export const useCannedStore = defineStore("canned", () => {
  const items = ref<CannedResponse[]>([]);
  const available = ref(true);
  const loadedFor = ref<string | null>(null);
  const loading = ref(false);

  async function load(slug: string, force = false): Promise<void> {
    if (!force && loadedFor.value === slug) return;
    loading.value = true;
    try {
      items.value = await cannedApi.list(slug);
      available.value = true;
      loadedFor.value = slug;
    } catch (error) {
      if (error instanceof ApiError && error.isMissing) {
        available.value = false;
        items.value = [];
      }
    } finally {
      loading.value = false;
    }
  }

  /** Matches by shortcut first, then title and text; every word of the query must appear. */
  function search(query: string): CannedResponse[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const score = (c: CannedResponse): number => {
      const shortcut = c.shortcut.toLowerCase();
      const text = `${shortcut} ${c.title} ${c.body}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) return -1;
      if (words.length && shortcut.startsWith(words[0]!)) return 2;
      return 1;
    };
    return items.value
      .map((c) => ({ c, s: score(c) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => b.s - a.s || a.c.shortcut.localeCompare(b.c.shortcut))
      .map((x) => x.c);
  }

  async function create(slug: string, input: CannedResponseInput): Promise<void> {
    const created = await cannedApi.create(slug, input);
    items.value = [...items.value, created];
  }

  async function update(slug: string, id: number, input: CannedResponseInput): Promise<void> {
    const updated = await cannedApi.update(slug, id, input);
    items.value = items.value.map((c) => (c.id === id ? updated : c));
  }

  async function remove(slug: string, id: number): Promise<void> {
    await cannedApi.remove(slug, id);
    items.value = items.value.filter((c) => c.id !== id);
  }

  function reset(): void {
    items.value = [];
    loadedFor.value = null;
    available.value = true;
  }

  return { items, available, loading, load, search, create, update, remove, reset };
});
