// Idempotency keys for mutations. crypto.randomUUID only exists in secure contexts, so a
// plain-HTTP LAN deployment falls back to getRandomValues (available everywhere).
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
