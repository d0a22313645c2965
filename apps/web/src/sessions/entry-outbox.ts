// The composer's outbox: entries sent one after another, in the order they were written, while the
// box is already free for the next one. A failed entry stops the ones behind it (steps are a
// sequence) until it is retried, taken back to edit, or discarded.
import type { TEntryKind } from "@handoff/api/client-contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../lib/api-errors.ts";
import { newIdempotencyKey } from "../lib/random-id.ts";

export type TOutgoingEntry = {
  key: string;
  kind: TEntryKind;
  body: string;
  state: "waiting" | "sending" | "failed";
  error?: string;
};

type TSend = (entry: { kind: TEntryKind; body: string }) => Promise<unknown>;

export function useEntryOutbox(send: TSend) {
  const [outbox, setOutbox] = useState<TOutgoingEntry[]>([]);
  const sendRef = useRef(send);
  sendRef.current = send;
  const sendingKey = useRef<string | null>(null);

  const head = outbox[0];
  useEffect(() => {
    if (head?.state !== "waiting" || sendingKey.current === head.key) return;
    sendingKey.current = head.key;
    setOutbox((entries) =>
      entries.map((entry) => (entry.key === head.key ? { ...entry, state: "sending" } : entry)),
    );
    sendRef
      .current(head)
      .finally(() => {
        sendingKey.current = null;
      })
      .then(
        () => setOutbox((entries) => entries.filter((entry) => entry.key !== head.key)),
        (error: unknown) =>
          setOutbox((entries) =>
            entries.map((entry) =>
              entry.key === head.key ? { ...entry, state: "failed", error: errorMessage(error) } : entry,
            ),
          ),
      );
  }, [head]);

  const enqueue = useCallback((kind: TEntryKind, body: string) => {
    setOutbox((entries) => [...entries, { key: newIdempotencyKey(), kind, body, state: "waiting" }]);
  }, []);
  const retry = useCallback((key: string) => {
    setOutbox((entries) =>
      entries.map((entry) => (entry.key === key ? { ...entry, state: "waiting", error: undefined } : entry)),
    );
  }, []);
  const remove = useCallback((key: string) => {
    setOutbox((entries) => entries.filter((entry) => entry.key !== key));
  }, []);

  return { outbox, enqueue, retry, remove };
}
