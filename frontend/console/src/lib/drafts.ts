// Unsent replies, kept per conversation while the console is open.
const drafts = new Map<number, { body: string; private: boolean }>();

export function loadDraft(conversation: number): { body: string; private: boolean } {
  return drafts.get(conversation) ?? { body: "", private: false };
}

export function saveDraft(conversation: number, body: string, isPrivate: boolean): void {
  if (body || isPrivate) drafts.set(conversation, { body, private: isPrivate });
  else drafts.delete(conversation);
}
