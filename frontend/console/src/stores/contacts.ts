// Contact profiles for the contact panel and for canned-response variables. The server may not
// offer the contacts API yet: `available` turns false on a 404.
import { defineStore } from "pinia";
import { reactive, ref } from "vue";
import { ApiError } from "../api/http";
import type { ContactProfile } from "../api/types";
import { workspaceApi } from "../api/workspace";

export const useContactsStore = defineStore("contacts", () => {
  const profiles = reactive<Record<number, ContactProfile>>({});
  const available = ref(true);

  async function load(slug: string, id: number, force = false): Promise<ContactProfile | null> {
    if (!available.value) return null;
    if (profiles[id] && !force) return profiles[id]!;
    try {
      profiles[id] = await workspaceApi.contact(slug, id);
      return profiles[id]!;
    } catch (error) {
      if (error instanceof ApiError && error.isMissing && error.code !== "not_found")
        available.value = false;
      return null;
    }
  }

  function reset(): void {
    for (const key of Object.keys(profiles)) delete profiles[Number(key)];
    available.value = true;
  }

  return { profiles, available, load, reset };
});
