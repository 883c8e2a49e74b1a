// Mark the words of a search query in a snippet, as segments a template renders without v-html.
export type Part = { text: string; hit: boolean };

export function highlight(snippet: string, query: string): Part[] {
  const plain = snippet.replace(/<[^>]*>/g, "");
  const words = query
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length) return [{ text: plain, hit: false }];
  const pattern = new RegExp(`(${words.join("|")})`, "gi");
  // With one capturing group, split puts the matches at the odd indices.
  return plain
    .split(pattern)
    .map((text, index) => ({ text, hit: index % 2 === 1 }))
    .filter((part) => part.text !== "");
}
