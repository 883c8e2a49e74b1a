// The server's field errors, keyed by path (e.g. "routing.policy"), and the attributes that tie an
// input to its message: every section of the inbox settings page shows them the same way.

/** The id of the message for `path`; inputs point at it with aria-describedby. */
export const errorId = (path: string): string => `err-${path.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

export function useFieldErrors(errors: () => Record<string, string>) {
  const err = (path: string): string => errors()[path] ?? "";

  /** Attributes that tie an input to its error message. */
  function invalid(...paths: string[]): Record<string, string | undefined> {
    const path = paths.find((p) => err(p));
    return path
      ? { "aria-invalid": "true", "aria-describedby": errorId(path) }
      : { "aria-invalid": undefined };
  }

  /** As `invalid`, but an input without an error is described by its hint instead. */
  function invalidOrHint(path: string, hintId: string): Record<string, string | undefined> {
    return err(path) ? invalid(path) : { "aria-describedby": hintId };
  }

  return { err, invalid, invalidOrHint };
}
