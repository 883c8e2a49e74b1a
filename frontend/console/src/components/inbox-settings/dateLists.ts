// The two lists of dates under business hours, holidays and special days, told apart by what
// DateListEditor needs: their error path, test ids, i18n keys and what a new row holds.
import { rangeRow, rowKey, type HolidayRow, type SpecialDayRow } from "../../lib/inboxForm";

export interface DatedRow {
  key: number;
  date: string;
}

export interface DateListConfig<T extends DatedRow> {
  /** The server's error path of the list; a row's are `<path>.<n>.<field>`. */
  path: string;
  /** Fields of a row whose errors are shown under it (the rest show in the slot's own inputs). */
  rowErrors: readonly string[];
  testids: { list: string; row: string; date: string; add: string };
  /** i18n keys; `date` and `remove` take the row's number {n}. */
  keys: { legend: string; hint: string; empty: string; date: string; remove: string; add: string };
  newRow: () => T;
}

export const HOLIDAYS: DateListConfig<HolidayRow> = {
  path: "business_hours.holidays",
  rowErrors: ["date", "name"],
  testids: { list: "holidays", row: "holiday-row", date: "holiday-date", add: "holiday-add" },
  keys: {
    legend: "inboxes.holidays",
    hint: "inboxes.holidaysHint",
    empty: "inboxes.noHolidays",
    date: "inboxes.holidayDate",
    remove: "inboxes.removeHoliday",
    add: "inboxes.addHoliday",
  },
  newRow: () => ({ key: rowKey(), date: "", name: "" }),
};

export const SPECIAL_DAYS: DateListConfig<SpecialDayRow> = {
  path: "business_hours.special_days",
  rowErrors: ["date"],
  testids: { list: "special-days", row: "special-day-row", date: "special-date", add: "special-add" },
  keys: {
    legend: "inboxes.specialDays",
    hint: "inboxes.specialDaysHint",
    empty: "inboxes.noSpecialDays",
    date: "inboxes.specialDate",
    remove: "inboxes.removeSpecialDay",
    add: "inboxes.addSpecialDay",
  },
  newRow: () => ({ key: rowKey(), date: "", ranges: [rangeRow()] }),
};
