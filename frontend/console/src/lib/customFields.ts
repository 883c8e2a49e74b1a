// Custom field values as the console edits them (text in inputs) and back to a PATCH.

/** Each defined field's value as text for its input ("" when the ticket has none). */
export function draftOf(keys: string[], values: Record<string, unknown>): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const key of keys) draft[key] = values[key] === undefined || values[key] === null ? "" : String(values[key]);
  return draft;
}

/** Only what changed: an emptied input removes the value (null), the rest go as typed and
 * the server checks and converts them. */
export function changesOf(
  draft: Record<string, string>,
  values: Record<string, unknown>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [key, text] of Object.entries(draft)) {
    const before = values[key] === undefined || values[key] === null ? "" : String(values[key]);
    if (text.trim() === before) continue;
    changes[key] = text.trim() === "" ? null : text.trim();
  }
  return changes;
}

/** Non-empty values only, for a new ticket. */
export function filledOf(draft: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, v.trim()]));
}
