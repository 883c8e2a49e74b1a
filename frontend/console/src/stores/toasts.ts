// Short messages in the corner: a transfer received, a transfer done. Each goes by itself after
// a while; one with an action (open the conversation) stays a little longer.
import { defineStore } from "pinia";
import { ref } from "vue";

export interface Toast {
  id: number;
  title: string;
  body: string;
  testid: string;
  action?: { label: string; run: () => void };
}

const SHOWN_MS = 8_000;
const WITH_ACTION_MS = 20_000;

export const useToastsStore = defineStore("toasts", () => {
  const items = ref<Toast[]>([]);
  let next = 1;

  function push(toast: Omit<Toast, "id">): number {
    const id = next++;
    items.value.push({ ...toast, id });
    window.setTimeout(() => dismiss(id), toast.action ? WITH_ACTION_MS : SHOWN_MS);
    return id;
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((t) => t.id !== id);
  }

  return { items, push, dismiss };
});
