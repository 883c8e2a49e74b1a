// Who may change the knowledge base (the server checks the same) and one way to show an error.
import { computed } from "vue";
import { useI18n } from "vue-i18n";
import { ApiError } from "../../api/http";
import { useSessionStore } from "../../stores/session";

export function useKbEditor() {
  const session = useSessionStore();
  const { t } = useI18n();
  const canEdit = computed(() =>
    ["owner", "admin", "supervisor"].includes(session.membership?.role ?? ""),
  );

  /** The server's message with the fields it named, or the generic one. */
  function describe(error: unknown): string {
    if (error instanceof ApiError) {
      if (error.status === 403) return t("errors.forbidden");
      const fields = Object.entries(error.fields)
        .map(([name, problem]) => `${name}: ${String(problem)}`)
        .join("; ");
      return t("kb.notSaved", { detail: fields || error.message });
    }
    return t("errors.generic", { detail: error instanceof Error ? error.message : "" });
  }

  return { canEdit, describe };
}
