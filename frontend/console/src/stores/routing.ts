// The signed-in member's availability (online / away / offline) in the current workspace, and a
// pulse that moves whenever something routing cares about changes live (the supervisor view
// refreshes on it).
import { defineStore } from "pinia";
import { ref } from "vue";
import { routingApi } from "../api/routing";
import type { AgentRow, Availability } from "../api/types";
import { useSessionStore } from "./session";

export const useRoutingStore = defineStore("routing", () => {
  const session = useSessionStore();
  const me = ref<AgentRow | null>(null);
  /** False when this server has no routing API (the switch is hidden). */
  const available = ref(true);
  const saving = ref(false);
  const error = ref("");
  const pulse = ref(0);

  async function load(): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    try {
      const row = await routingApi.me(slug);
      if (slug === session.slug) me.value = row;
      available.value = true;
    } catch {
      if (!me.value) available.value = false;
    }
  }

  async function set(availability: Availability): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    saving.value = true;
    error.value = "";
    try {
      me.value = await routingApi.setAvailability(slug, availability);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      saving.value = false;
    }
  }

  function touch(): void {
    pulse.value++;
  }

  function reset(): void {
    me.value = null;
    available.value = true;
    error.value = "";
  }

  return { me, available, saving, error, pulse, load, set, touch, reset };
});
