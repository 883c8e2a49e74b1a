// The inbox settings form: its editable state, read from an inbox (GET inboxes/<id>/) and turned
// back into a PATCH, and the server's field errors keyed by the form's own paths.
import type {
  BusinessHoursSettings,
  InboxChanges,
  InboxDetail,
  Range,
  RoutingPolicy,
  RoutingSettings,
} from "../api/types";

export const POLICIES: RoutingPolicy[] = ["manual", "round_robin", "least_busy", "skills", "sticky"];
export const PRECHAT_FIELDS = ["name", "email", "topic"] as const;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Offered in the time zone menu; any other IANA name can be typed. */
export const COMMON_ZONES = [
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Taipei",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Asia/Kolkata",
  "Asia/Dubai",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Moscow",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Pacific/Auckland",
  "Africa/Johannesburg",
  "UTC",
];

let nextKey = 0;
/** A stable key for v-for over rows the user adds and removes. */
export function rowKey(): number {
  return nextKey++;
}

export interface RangeRow {
  key: number;
  start: string;
  end: string;
}

export interface TopicSkillsRow {
  key: number;
  topic: string;
  /** Comma-separated skill names. */
  skills: string;
}

export interface HolidayRow {
  key: number;
  date: string;
  name: string;
}

export interface SpecialDayRow {
  key: number;
  date: string;
  ranges: RangeRow[];
}

export interface InboxForm {
  name: string;
  greeting: string;
  /** One origin per line. */
  origins: string;
  routing: {
    policy: RoutingPolicy;
    topicSkills: TopicSkillsRow[];
    /** v-model of a number input: a number, or "" when emptied. */
    stickyWait: number | string;
    queueTimeout: number | string;
    /** Keys of the stored routing this form does not edit, kept as they are. */
    other: Record<string, unknown>;
  };
  prechat: { enabled: boolean; fields: string[]; topics: string };
  hours: {
    enabled: boolean;
    timezone: string;
    weekly: Record<Weekday, RangeRow[]>;
    holidays: HolidayRow[];
    specialDays: SpecialDayRow[];
    awayEn: string;
    awayZh: string;
  };
}

export function rangeRow(start = "09:00", end = "18:00"): RangeRow {
  return { key: rowKey(), start, end };
}

function rangeRows(ranges: unknown): RangeRow[] {
  if (!Array.isArray(ranges)) return [];
  return ranges.map((r) =>
    Array.isArray(r) ? rangeRow(String(r[0] ?? ""), String(r[1] ?? "")) : rangeRow("", ""),
  );
}

function ranges(rows: RangeRow[]): Range[] {
  return rows.map((r) => [r.start.trim(), r.end.trim()]);
}

export function formFromInbox(inbox: InboxDetail): InboxForm {
  const routing: RoutingSettings = inbox.settings.routing ?? {};
  const prechat = inbox.settings.prechat ?? {};
  const hours: BusinessHoursSettings = inbox.settings.business_hours ?? {};
  const { policy, topic_skills, sticky_wait_seconds, queue_timeout_seconds, ...other } = routing;
  const weekly = Object.fromEntries(
    WEEKDAYS.map((day) => [day, rangeRows(hours.weekly?.[day])]),
  ) as Record<Weekday, RangeRow[]>;
  return {
    name: inbox.name,
    greeting: inbox.greeting,
    origins: inbox.allowed_origins.join("\n"),
    routing: {
      policy: policy && POLICIES.includes(policy) ? policy : "manual",
      topicSkills: Object.entries(topic_skills ?? {}).map(([topic, skills]) => ({
        key: rowKey(),
        topic,
        skills: Array.isArray(skills) ? skills.join(", ") : "",
      })),
      stickyWait: sticky_wait_seconds ?? "",
      queueTimeout: queue_timeout_seconds ?? "",
      other,
    },
    prechat: {
      enabled: Boolean(prechat.enabled),
      fields: [...(prechat.fields ?? ["name", "email"])],
      topics: (prechat.topics ?? []).join("\n"),
    },
    hours: {
      enabled: Boolean(hours.enabled),
      timezone: hours.timezone ?? "",
      weekly,
      holidays: (hours.holidays ?? []).map((h) => ({
        key: rowKey(),
        date: h.date,
        name: h.name ?? "",
      })),
      specialDays: (hours.special_days ?? []).map((s) => ({
        key: rowKey(),
        date: s.date,
        ranges: rangeRows(s.intervals),
      })),
      awayEn: hours.auto_reply?.en ?? "",
      awayZh: hours.auto_reply?.["zh-CN"] ?? "",
    },
  };
}

export function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

function seconds(value: number | string): number | undefined {
  const text = String(value).trim();
  return text === "" ? undefined : Number(text);
}

/** The whole form as one PATCH. Rows are sent in the order shown, so the indices in the
 * server's error paths (business_hours.weekly.mon.0) point at the rows on screen. */
export function changesFromForm(form: InboxForm): InboxChanges {
  const topicSkills: Record<string, string[]> = {};
  for (const row of form.routing.topicSkills) {
    const topic = row.topic.trim();
    if (topic) topicSkills[topic] = row.skills.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  }
  const routing: RoutingSettings = {
    ...form.routing.other,
    policy: form.routing.policy,
    topic_skills: topicSkills,
  };
  const sticky = seconds(form.routing.stickyWait);
  const timeout = seconds(form.routing.queueTimeout);
  if (sticky !== undefined) routing.sticky_wait_seconds = sticky;
  if (timeout !== undefined) routing.queue_timeout_seconds = timeout;

  const h = form.hours;
  const autoReply: Record<string, string> = {};
  if (h.awayEn.trim()) autoReply.en = h.awayEn;
  if (h.awayZh.trim()) autoReply["zh-CN"] = h.awayZh;
  const business_hours: BusinessHoursSettings = {
    enabled: h.enabled,
    weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, ranges(h.weekly[day])])),
    holidays: h.holidays.map((row) => ({ date: row.date, name: row.name.trim() })),
    special_days: h.specialDays.map((row) => ({ date: row.date, intervals: ranges(row.ranges) })),
    auto_reply: autoReply,
  };
  if (h.timezone.trim()) business_hours.timezone = h.timezone.trim();

  return {
    name: form.name,
    greeting: form.greeting,
    allowed_origins: lines(form.origins),
    routing,
    prechat: {
      enabled: form.prechat.enabled,
      fields: PRECHAT_FIELDS.filter((f) => form.prechat.fields.includes(f)),
      topics: lines(form.prechat.topics),
    },
    business_hours,
  };
}

const ROUTING_KEYS = new Set(["policy", "topic_skills", "sticky_wait_seconds", "queue_timeout_seconds"]);

/** A message a person can read; the server sometimes sends a bare code ("range") or the list of
 * allowed values instead, and then the error's detail says it better. */
function readable(value: unknown, detail: string): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    const text = value.join(" ");
    return /\s/.test(text) ? text : detail;
  }
  if (typeof value === "string") return /\s/.test(value.trim()) ? value : detail;
  return detail;
}

/** The server's `fields` as flat dotted paths, each with one readable message:
 * `{"allowed_origins": {"0": ["…"]}}` becomes `{"allowed_origins.0": "…"}`, and the routing
 * keys the server names without their section get it (`policy` → `routing.policy`). */
export function fieldErrors(fields: Record<string, unknown>, detail: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string, value: unknown): void => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(path ? `${path}.${key}` : key, inner);
      return;
    }
    const key = ROUTING_KEYS.has(path.split(".")[0] ?? "") ? `routing.${path}` : path;
    out[key] = readable(value, detail);
  };
  visit("", fields);
  return out;
}
