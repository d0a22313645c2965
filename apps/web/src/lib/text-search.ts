// Client-side search over what is already on screen: every word typed must appear somewhere
// in the fields (case- and accent-insensitive), in any order.
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export function matchesAllWords(fields: Array<string | null | undefined>, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(fields.filter(Boolean).join("\n"));
  return words.every((word) => haystack.includes(word));
}
