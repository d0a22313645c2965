// The configured language model, through the Vercel AI SDK: a structured assessment (validated
// with zod) and a plain-text briefing. The model gets no tools and its answer is only ever data.
// The SDK never retries by itself: the job queue does, with its backoff and Retry-After. Every
// failure comes back as a value saying whether a retry could help.
import type { LanguageModel } from "ai";
import { z } from "zod";
import type { TAssessment, TSimilarSession } from "../../schemas/outputs.ts";
import { parseRetryAfter } from "../jobs/retry-delay.ts";
import { citedMatches, closeMatches } from "../knowledge/prior-resolutions.ts";
import {
  ASSESSMENT_SYSTEM_PROMPT,
  BRIEFING_SYSTEM_PROMPT,
  briefingData,
  sessionRecord,
  userMessage,
} from "./prompts.ts";
import type { TAssessmentFields, TAssessmentInput } from "./rules-assessment.ts";

export const AI_PROVIDERS = ["anthropic", "openai", "openai-compatible"] as const;
export type TAiProvider = (typeof AI_PROVIDERS)[number];

export type TLanguageModelConfig = {
  provider: TAiProvider;
  model: string;
  /** Optional for openai-compatible (a local model server usually needs none). */
  apiKey: string | null;
  /** The provider's API root (e.g. http://127.0.0.1:11434/v1); null = the provider's own. */
  baseUrl: string | null;
  timeoutMs: number;
  maxOutputTokens: number;
};

export type TModelOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** For every member: why the model's answer is not used, in Handoff's words only. */
      error: string;
      /** The provider's own words (which may name an internal host): for the log and ADMIN+'s job list only. */
      detail: string | null;
      /** A later try may succeed (timeout, 429, 5xx, network); otherwise rules write it now. */
      isRetryable: boolean;
      retryAfterMs: number | null;
    };

export type TSessionForModel = TAssessmentInput & { intent: "park" | "escalate" };

export type LanguageModelClient = {
  /** e.g. "openai-compatible:llama3.2", shown beside what it wrote. */
  name: string;
  assess(input: TSessionForModel, signal: AbortSignal): Promise<TModelOutcome<TAssessmentFields>>;
  brief(
    input: TSessionForModel,
    assessment: TAssessment | null,
    signal: AbortSignal,
  ): Promise<TModelOutcome<string>>;
};

/** What writes assessments and briefings: the configured model, or (null) rules alone. */
export type TAssistant = {
  model: LanguageModelClient | null;
  /** false: escalations get no assessment at all (no job, no `handoff.assessed`). */
  isAssessing: boolean;
};

const ZLevel = z.enum(["low", "medium", "high"]);

/** What the model must answer. No length limits in the schema (not every provider enforces them); trimmed after. */
export const ZModelAssessment = z.object({
  likelyCause: z.string().describe("The single most likely cause, in one or two sentences."),
  nextChecks: z.array(z.string()).describe("The checks to do next, most useful first."),
  risk: ZLevel.describe("How much harm the problem or its likely fixes could do."),
  riskReason: z.string().describe("Why that risk, in one sentence."),
  missingInformation: z.array(z.string()).describe("Facts to get before acting that the data does not give."),
  confidence: ZLevel.describe("How sure the likely cause is."),
  priorSessions: z
    .array(z.string())
    .describe(
      "The ref (P1, P2, …) of each of the team's prior resolutions the answer relies on; empty if none.",
    ),
});

const MAX_CHECKS = 6;
const MAX_MISSING = 5;
const MAX_FIELD_CHARS = 500;
const MAX_BRIEFING_CHARS = 1_500;

type TAiSdk = typeof import("ai");

/**
 * The AI SDK and the configured provider's package, loaded on the first request (about 0.2 s of
 * module loading the server's start no longer pays, with or without a model configured).
 */
async function loadModel(config: TLanguageModelConfig): Promise<{ ai: TAiSdk; model: LanguageModel }> {
  const [ai, model] = await Promise.all([import("ai"), languageModel(config)]);
  return { ai, model };
}

export function createLanguageModelClient(config: TLanguageModelConfig): LanguageModelClient {
  let loaded: ReturnType<typeof loadModel> | null = null;
  const sdk = () => {
    loaded ??= loadModel(config);
    return loaded;
  };
  const providerOptions = {
    // Anthropic's native structured output (output_config.format), not its "json" tool: no tool is sent.
    anthropic: { structuredOutputMode: "outputFormat" as const },
    openai: { strictJsonSchema: true },
  };

  async function call<T>(
    run: (sdk: { ai: TAiSdk; model: LanguageModel }, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ) {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    try {
      return { ok: true as const, value: await run(await sdk(), AbortSignal.any([signal, timeout])) };
    } catch (error) {
      if (timeout.aborted || signal.aborted) {
        return failure(`The model did not answer within ${Math.round(config.timeoutMs / 1_000)} s.`, true);
      }
      return describeFailure(
        error,
        await sdk().then(
          ({ ai }) => ai,
          () => null,
        ),
      );
    }
  }

  return {
    name: `${config.provider}:${config.model}`,

    async assess(input, signal) {
      const outcome = await call(async ({ ai, model }, abortSignal) => {
        const result = await ai.generateText({
          model,
          system: ASSESSMENT_SYSTEM_PROMPT,
          prompt: userMessage("Assess this escalated session.", sessionRecord(input)),
          output: ai.Output.object({ schema: ZModelAssessment, name: "assessment" }),
          maxOutputTokens: config.maxOutputTokens,
          temperature: 0,
          maxRetries: 0,
          abortSignal,
          providerOptions,
        });
        return result.output;
      }, signal);
      if (!outcome.ok) return outcome;
      const fields = tidy(outcome.value, input.similar);
      return fields
        ? { ok: true, value: fields }
        : failure("The model's answer left the likely cause empty.", false);
    },

    async brief(input, assessment, signal) {
      const outcome = await call(async ({ ai, model }, abortSignal) => {
        const result = await ai.generateText({
          model,
          system: BRIEFING_SYSTEM_PROMPT,
          prompt: userMessage("Write the briefing for this session.", briefingData(input, assessment)),
          maxOutputTokens: config.maxOutputTokens,
          temperature: 0.2,
          maxRetries: 0,
          abortSignal,
        });
        return result.text;
      }, signal);
      if (!outcome.ok) return outcome;
      const text = oneParagraph(outcome.value, MAX_BRIEFING_CHARS);
      return text ? { ok: true, value: text } : failure("The model's briefing was empty.", false);
    },
  };
}

async function languageModel(config: TLanguageModelConfig): Promise<LanguageModel> {
  const baseURL = config.baseUrl ?? undefined;
  switch (config.provider) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return createAnthropic({ apiKey: config.apiKey ?? "", baseURL })(config.model);
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      // Chat Completions with strict JSON-schema output.
      return createOpenAI({ apiKey: config.apiKey ?? "", baseURL }).chat(config.model);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: baseURL ?? "http://127.0.0.1:11434/v1",
        apiKey: config.apiKey ?? undefined,
        supportsStructuredOutputs: true,
      })(config.model);
    }
  }
}

function failure(
  error: string,
  isRetryable: boolean,
  retryAfterMs: number | null = null,
  detail: string | null = null,
) {
  return { ok: false as const, error, isRetryable, retryAfterMs, detail };
}

/** `ai` is null when the SDK itself could not be loaded. */
function describeFailure(error: unknown, ai: TAiSdk | null) {
  if (ai?.NoObjectGeneratedError.isInstance(error)) {
    return failure("The model's answer did not match the assessment's format.", false);
  }
  if (ai?.APICallError.isInstance(error)) {
    const status = error.statusCode;
    const retryAfterMs =
      parseMs(error.responseHeaders?.["retry-after-ms"]) ??
      parseRetryAfter(error.responseHeaders?.["retry-after"]);
    const isRetryable = error.isRetryable || status === 429 || (status !== undefined && status >= 500);
    const what = status === undefined ? "could not be reached" : `answered ${status}`;
    return failure(`The model's provider ${what}.`, isRetryable, retryAfterMs, truncate(error.message, 200));
  }
  const message = error instanceof Error ? error.message : String(error);
  return failure("The model could not be asked.", true, null, truncate(message, 200));
}

function parseMs(value: string | undefined): number | null {
  if (!value || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  return Math.round(Number(value.trim()));
}

/** Trimmed, bounded and non-empty, or null when the answer says nothing. */
function tidy(
  answer: z.infer<typeof ZModelAssessment>,
  similar: TSimilarSession[],
): TAssessmentFields | null {
  const likelyCause = oneParagraph(answer.likelyCause, MAX_FIELD_CHARS);
  if (!likelyCause) return null;
  const list = (items: string[], max: number) =>
    items
      .map((item) => oneParagraph(item, MAX_FIELD_CHARS))
      .filter((item) => item !== "")
      .slice(0, max);
  return {
    likelyCause,
    nextChecks: list(answer.nextChecks, MAX_CHECKS),
    risk: answer.risk,
    riskReason: oneParagraph(answer.riskReason, MAX_FIELD_CHARS),
    missingInformation: list(answer.missingInformation, MAX_MISSING),
    confidence: answer.confidence,
    priorSessions: citedMatches(answer.priorSessions, closeMatches(similar)),
  };
}

/** Whitespace collapsed (the answer is shown as plain text), cut at `max` characters. */
function oneParagraph(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, " ").trim(), max);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
