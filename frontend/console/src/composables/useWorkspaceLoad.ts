// A page's data for the current workspace: loaded at once, again whenever the workspace or the
// page's own inputs (a period, filters) change, with the loading flag and a readable error —
// "not allowed" when the server answers 403. The latest answer wins: an earlier, slower one is
// dropped, so fast filter changes cannot leave the page showing the wrong period.
import { ref, watch, type Ref } from "vue";
import { useI18n } from "vue-i18n";
import { ApiError } from "../api/http";
import { useSessionStore } from "../stores/session";

export function useWorkspaceLoad<T>(fetch: (slug: string) => Promise<T>, inputs: () => unknown) {
  const { t } = useI18n();
  const session = useSessionStore();
  const data = ref(null) as Ref<T | null>;
  const error = ref("");
  const loading = ref(false);
  let latest = 0;

  async function load(): Promise<void> {
    const slug = session.slug;
    if (!slug) return;
    const call = ++latest;
    loading.value = true;
    error.value = "";
    try {
      const answer = await fetch(slug);
      if (call === latest) data.value = answer;
    } catch (e) {
      if (call !== latest) return;
      data.value = null;
      error.value =
        e instanceof ApiError && e.status === 403
          ? t("errors.forbidden")
          : e instanceof Error
            ? e.message
            : String(e);
    } finally {
      if (call === latest) loading.value = false;
    }
  }

  watch(() => [session.slug, inputs()], () => void load(), { immediate: true, deep: true });
  return { data, error, loading, load };
}
