// Small helpers for printing benchmark figures.

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const ratio = (value: number, reference: number) => `${(value / reference).toFixed(2)}×`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** Wall-clock milliseconds with sub-ms resolution, comparable across processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

export async function until(
  condition: () => boolean,
  what: string | (() => string),
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      const described = typeof what === "function" ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${described}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Math.min/max over arrays too large to spread into arguments. */
export const smallest = (values: number[]) => values.reduce((low, value) => Math.min(low, value), Infinity);
export const largest = (values: number[]) => values.reduce((high, value) => Math.max(high, value), -Infinity);
