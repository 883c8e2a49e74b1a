// The alert.fired frame (docs/analytics.md#alerts): a toast for the supervisor (and a desktop
// notification if allowed) that opens the Alerts page.
import { i18n } from "../../i18n";
import { router } from "../../router";
import { useNotificationsStore } from "../../stores/notifications";
import { useToastsStore } from "../../stores/toasts";

export interface AlertFiredFrame {
  type: "alert.fired";
  alert: {
    id: number;
    rule: { id: number; name: string; metric: string };
    comparison: "gt" | "lt";
    value: number;
    threshold: number;
    window_start: string;
    window_end: string;
    fired_at: string;
  };
}

export function announceAlert(frame: AlertFiredFrame, slug: string | null): void {
  const t = i18n.global.t;
  const a = frame.alert;
  const title = t("alerts.toast", { name: a.rule.name });
  const body = `${t(`alerts.metrics.${a.rule.metric}`)} = ${a.value} (${a.comparison === "gt" ? ">" : "<"} ${a.threshold})`;
  const open = (): void => {
    if (slug) void router.push({ name: "alerts", params: { ws: slug } });
  };
  useToastsStore().push({
    title,
    body,
    testid: "toast-alert",
    action: { label: t("alerts.open"), run: open },
  });
  useNotificationsStore().announce(title, body, `alert-${a.id}`, open);
}
