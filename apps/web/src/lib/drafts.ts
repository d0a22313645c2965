// Unsent text kept in localStorage per signed-in user, so closing a dialog, reloading the tab
// or a browser crash never throws typed notes away. Wiped on sign-out (shared desks) and after
// DRAFT_TTL_MS; storage that is full or disabled just means no draft, never an error.
const PREFIX = "handoff.draft:";
const DRAFT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type TStored = { savedAt: number; value: unknown };

function storageKey(userId: string, name: string): string {
  return `${PREFIX}${userId}:${name}`;
}

export function readDraft(userId: string, name: string): unknown {
  try {
    const raw = localStorage.getItem(storageKey(userId, name));
    if (!raw) return null;
    const stored = JSON.parse(raw) as TStored;
    if (typeof stored?.savedAt !== "number" || Date.now() - stored.savedAt > DRAFT_TTL_MS) {
      localStorage.removeItem(storageKey(userId, name));
      return null;
    }
    return stored.value;
  } catch {
    return null;
  }
}

export function writeDraft(userId: string, name: string, value: unknown): void {
  try {
    const stored: TStored = { savedAt: Date.now(), value };
    localStorage.setItem(storageKey(userId, name), JSON.stringify(stored));
  } catch {
    // Quota exceeded or storage disabled: the draft lives only as long as the dialog.
  }
}

export function removeDraft(userId: string, name: string): void {
  try {
    localStorage.removeItem(storageKey(userId, name));
  } catch {
    // Nothing stored, nothing to remove.
  }
}

export function removeDraftsOf(userId: string): void {
  try {
    const mine = `${PREFIX}${userId}:`;
    for (const key of Object.keys(localStorage)) if (key.startsWith(mine)) localStorage.removeItem(key);
  } catch {
    // Storage unavailable: there are no drafts either.
  }
}
