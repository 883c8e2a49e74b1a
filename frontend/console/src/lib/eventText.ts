// Timeline events (kind "event") carry structured data; render them in the reader's language,
// falling back to the server's English body for events this console does not know.
import type { Message } from "../api/types";

type Translate = (key: string, values?: Record<string, unknown>) => string;

export function eventText(
  message: Message,
  t: Translate,
  memberName: (id: number | null) => string | undefined,
  teamName: (id: number | null) => string | undefined,
): string {
  const data = message.data;
  const num = (key: string): number | null => (typeof data[key] === "number" ? (data[key] as number) : null);
  const by = memberName(num("by")) ?? t("events.someone");
  const status = (key: string) =>
    typeof data[key] === "string" ? t(`status.${String(data[key])}`) : "";
  switch (data.event) {
    case "assigned": {
      const assignee = num("assignee");
      if (assignee === null) return t("events.unassigned", { by });
      const name = memberName(assignee) ?? t("events.someone");
      // Routing's own choice: no one pressed anything.
      if (num("by") === null && typeof data.reason === "string")
        return t("events.routed", { assignee: name });
      if (assignee === num("by")) return t("events.joined", { assignee: name });
      return t("events.assigned", { assignee: name, by });
    }
    case "status_changed":
      if (num("by") === null) return t("events.customerReplied", { status: status("to") });
      return t("events.status", { by, status: status("to") });
    case "reopened":
      if (data.by === "contact" || num("by") === null) return t("events.reopenedByContact");
      return t("events.reopened", { by });
    case "team_changed": {
      const team = num("team");
      if (team === null) return t("events.teamRemoved");
      return t("events.team", { team: teamName(team) ?? message.body });
    }
    case "transferred": {
      const member = num("to_member");
      if (member !== null)
        return t("events.transferred", { by, to: memberName(member) ?? t("events.someone") });
      return t("events.transferred", { by, to: teamName(num("to_team")) ?? message.body });
    }
    case "bot_handoff": {
      // The bot's handoff: why, and the intent it had detected (the agent's starting point).
      const reason = t(`bot.reason.${String(data.reason)}`);
      const intent = typeof data.intent === "string" ? data.intent : "";
      return intent
        ? t("bot.handoffEventIntent", { reason, intent })
        : t("bot.handoffEvent", { reason });
    }
    default:
      return message.body;
  }
}
