// The sla.warning / sla.breached frames (docs/sla.md): the ticket's new state goes to the
// tickets store, and the person is told with a toast (and a desktop notification if allowed).
import type { Ticket } from "../../api/tickets";
import { i18n } from "../../i18n";
import { router } from "../../router";
import { useNotificationsStore } from "../../stores/notifications";
import { useTicketsStore } from "../../stores/tickets";
import { useToastsStore } from "../../stores/toasts";

export interface SlaAlertFrame {
  type: "sla.warning" | "sla.breached";
  metric: "first_response" | "resolution";
  due_at: string | null;
  ticket: Ticket;
}

export function announceSlaAlert(frame: SlaAlertFrame, slug: string | null): void {
  useTicketsStore().receive(frame.ticket);
  const t = i18n.global.t;
  const kind = frame.type === "sla.breached" ? "breached" : "warning";
  const title = t(`sla.alert.${kind}`, {
    number: frame.ticket.display_number,
    metric: t(`sla.metric.${frame.metric}`),
  });
  const open = (): void => {
    if (slug) void router.push({ name: "tickets", params: { ws: slug, id: String(frame.ticket.id) } });
  };
  useToastsStore().push({
    title,
    body: frame.ticket.subject,
    testid: `toast-sla-${kind}`,
    action: { label: t("sla.alert.open"), run: open },
  });
  useNotificationsStore().announce(
    title,
    frame.ticket.subject,
    `sla-${frame.ticket.id}-${frame.metric}-${kind}`,
    open,
  );
}
