// A local stand-in for a language model's HTTP API, so tests drive the real AI SDK (through
// AI_BASE_URL) and read what it sent. It speaks OpenAI's Chat Completions (POST …/chat/completions,
// used by the openai and openai-compatible providers) and Anthropic's Messages (POST …/messages),
// each with its documented request and response JSON and error bodies.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type TModelRequest = {
  api: "chat-completions" | "messages";
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** The system prompt's text. */
  system: string;
  /** The user message's text. */
  user: string;
  /** Asked for a JSON-schema answer (an assessment) rather than free text (a briefing). */
  isStructured: boolean;
};

/**
 * How to answer: `content` = the assistant message's text (any text, well-formed or not);
 * `status` = that HTTP error (with the provider's `message`, if given); "never" = hold the request unanswered.
 */
export type TModelAnswer =
  | { content: string }
  | { status: number; retryAfter?: string; message?: string }
  | "never";

export type ModelStandIn = {
  /** The API root to give the SDK, e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string;
  received: TModelRequest[];
  /** Answers for the next requests, in order; after them, `fallback`. */
  queue(...answers: TModelAnswer[]): void;
  /** Answers once the queue is empty (default: a well-formed assessment or briefing). */
  setFallback(answer: (request: TModelRequest) => TModelAnswer): void;
  reset(): void;
  close(): Promise<void>;
};

export const STAND_IN_ASSESSMENT = {
  likelyCause: "The firewall's dead-peer detection drops idle IPsec tunnels.",
  nextChecks: [
    "Compare the DPD timer with the tunnel's idle timeout",
    "Check the firewall's VPN log at a drop",
  ],
  risk: "medium",
  riskReason: "Remote staff lose their connection several times an hour.",
  missingInformation: ["The firewall model and firmware version"],
  confidence: "medium",
  priorSessions: [],
};

export const STAND_IN_BRIEFING =
  "The model's briefing: the VPN drops line up with the DPD timer; check it first.";

export function wellFormed(request: TModelRequest): TModelAnswer {
  return { content: request.isStructured ? JSON.stringify(STAND_IN_ASSESSMENT) : STAND_IN_BRIEFING };
}

export async function startModelStandIn(): Promise<ModelStandIn> {
  const received: TModelRequest[] = [];
  let queued: TModelAnswer[] = [];
  let fallback = wellFormed;
  const held = new Set<() => void>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "";
    const api = path.endsWith("/chat/completions")
      ? ("chat-completions" as const)
      : path.endsWith("/messages")
        ? ("messages" as const)
        : null;
    if (req.method !== "POST" || !api) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    const request: TModelRequest = {
      api,
      at: Date.now(),
      headers: req.headers,
      body,
      ...readPrompt(api, body),
    };
    received.push(request);
    const answer = queued.shift() ?? fallback(request);
    if (answer === "never") {
      held.add(() => res.destroy());
      return;
    }
    if ("status" in answer) {
      const message = answer.message ?? `stand-in answered ${answer.status}`;
      const errorBody =
        api === "messages"
          ? {
              type: "error",
              error: { type: answer.status === 429 ? "rate_limit_error" : "api_error", message },
            }
          : {
              error: {
                message,
                type: answer.status === 429 ? "rate_limit_exceeded" : "server_error",
                code: null,
              },
            };
      res
        .writeHead(answer.status, {
          "content-type": "application/json",
          ...(answer.retryAfter !== undefined && { "retry-after": answer.retryAfter }),
        })
        .end(JSON.stringify(errorBody));
      return;
    }
    const model = String(body.model);
    const reply =
      api === "messages"
        ? {
            id: `msg_${received.length}`,
            type: "message",
            role: "assistant",
            model,
            content: [{ type: "text", text: answer.content }],
            stop_reason: "end_turn",
            stop_sequence: null,
            usage: { input_tokens: 100, output_tokens: 50 },
          }
        : {
            id: `chatcmpl-${received.length}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1_000),
            model,
            choices: [
              { index: 0, message: { role: "assistant", content: answer.content }, finish_reason: "stop" },
            ],
            usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
          };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    queue(...answers) {
      queued.push(...answers);
    },
    setFallback(answer) {
      fallback = answer;
    },
    reset() {
      received.length = 0;
      queued = [];
      fallback = wellFormed;
      for (const drop of held) drop();
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type TContent = string | Array<{ type: string; text?: string }> | undefined;

function textOf(content: TContent): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => part.text ?? "").join("");
}

function readPrompt(api: TModelRequest["api"], body: Record<string, unknown>) {
  const messages = (body.messages ?? []) as Array<{ role: string; content: TContent }>;
  const user = messages
    .filter((message) => message.role === "user")
    .map((message) => textOf(message.content))
    .join("\n");
  if (api === "messages") {
    const outputFormat = (body.output_config as { format?: unknown } | undefined)?.format;
    return { system: textOf(body.system as TContent), user, isStructured: outputFormat !== undefined };
  }
  const system = messages
    .filter((message) => message.role === "system")
    .map((message) => textOf(message.content))
    .join("\n");
  const format = body.response_format as { type?: string } | undefined;
  return { system, user, isStructured: format?.type === "json_schema" || format?.type === "json_object" };
}
