// Words for the server's refusals on the account pages, in the console's language.
import type { ApiError } from "../../api/http";

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** "Too many failed sign-in attempts. Try again in N minutes (after HH:MM)." */
export function lockoutMessage(error: ApiError, t: Translate): string {
  const seconds = Number(error.body.retry_after ?? 900);
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const time = new Date(Date.now() + seconds * 1000).toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
  });
  return t("login.locked", { minutes, time });
}

/** One line per broken password rule, from the server's machine-readable `rules`. */
export function passwordProblems(error: ApiError, t: Translate): string[] {
  const rules = Array.isArray(error.body.rules) ? (error.body.rules as string[]) : [];
  const known = ["password_too_short", "password_too_common", "password_entirely_numeric", "password_too_similar"];
  const lines = rules.filter((r) => known.includes(r)).map((r) => t(`account.rules.${r}`));
  return lines.length ? lines : [error.message];
}
