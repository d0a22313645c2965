import { describe, expect, it } from "vitest";
import { CountingHistogram } from "./counting-histogram.ts";

describe("a counting histogram", () => {
  it("renders cumulative buckets, +Inf, sum and count in Prometheus' text format", () => {
    const histogram = new CountingHistogram({ name: "lag_seconds", help: "How late", buckets: [1, 0.1] });
    for (const value of [0.05, 0.1, 0.5, 3]) histogram.observe(value);
    expect(histogram.render()).toBe(
      [
        "# HELP lag_seconds How late",
        "# TYPE lag_seconds histogram",
        'lag_seconds_bucket{le="0.1"} 2',
        'lag_seconds_bucket{le="1"} 3',
        'lag_seconds_bucket{le="+Inf"} 4',
        "lag_seconds_sum 3.65",
        "lag_seconds_count 4",
        "",
      ].join("\n"),
    );
  });
});
