// ConnectWise PSA (Manage) REST API 3.0: Basic auth as `company+publicKey:privateKey`, the
// integration's `clientId` header, internal-analysis notes on service tickets.
import { failure, type PsaProvider, requestJson, type TPsaHttp } from "./psa-provider.ts";

export type TConnectWiseConfig = {
  siteUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
};

export const CONNECTWISE_API_PATH = "/v4_6_release/apis/3.0";
/** The only response media type the API's OpenAPI document (Manage 2025.8) declares. */
export const CONNECTWISE_ACCEPT = "application/vnd.connectwise.com+json; version=2025.8";
/** Ticket ids are int32 in the API. */
export const CONNECTWISE_MAX_TICKET_ID = 2 ** 31 - 1;

/** The site the admin entered, without a pasted API path or trailing slash. */
export function connectWiseSite(siteUrl: string): string {
  const url = new URL(siteUrl);
  const path = url.pathname.replace(/\/+$/, "").replace(/\/v4_6_release\/apis\/3\.0$/i, "");
  return `${url.origin}${path}`;
}

export function createConnectWiseProvider(config: TConnectWiseConfig, http: TPsaHttp): PsaProvider {
  const base = `${connectWiseSite(config.siteUrl)}${CONNECTWISE_API_PATH}`;
  const credentials = `${config.companyId}+${config.publicKey}:${config.privateKey}`;
  const headers = {
    Authorization: `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`,
    clientId: config.clientId,
    Accept: CONNECTWISE_ACCEPT,
  };

  return {
    async test(signal) {
      const result = await requestJson(http, "ConnectWise", `${base}/system/info`, { headers, signal });
      if (!result.ok) return result;
      const info = (result.value ?? {}) as { version?: unknown; isCloud?: unknown };
      const version = typeof info.version === "string" ? ` ${info.version}` : "";
      const where = info.isCloud === true ? " (cloud)" : "";
      return {
        ok: true,
        value: `Connected to ConnectWise PSA${version}${where} as company ${config.companyId}.`,
      };
    },

    async findNote(ticketId, marker, signal) {
      // The marker is letters, digits and dashes only, so it needs no escaping in `conditions`.
      const query = new URLSearchParams({
        conditions: `text like "%${marker}%"`,
        fields: "id,text",
        pageSize: "25",
      });
      const url = `${base}/service/tickets/${ticketId}/notes?${query}`;
      const result = await requestJson(http, "ConnectWise (look for an earlier note)", url, {
        headers,
        signal,
      });
      if (!result.ok) return result;
      const notes = Array.isArray(result.value) ? (result.value as { id?: unknown; text?: unknown }[]) : [];
      const match = notes.find((note) => typeof note.text === "string" && note.text.includes(marker));
      return { ok: true, value: match?.id === undefined ? null : String(match.id) };
    },

    async addNote(ticketId, text, signal) {
      const result = await requestJson(
        http,
        "ConnectWise (add note)",
        `${base}/service/tickets/${ticketId}/notes`,
        {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify({
            text,
            detailDescriptionFlag: false,
            internalAnalysisFlag: true,
            resolutionFlag: false,
            processNotifications: false,
          }),
          signal,
        },
      );
      if (!result.ok) return result;
      const id = (result.value as { id?: unknown } | null)?.id;
      if (id === undefined || id === null)
        return failure("ConnectWise (add note): the answer had no note id", false);
      return { ok: true, value: String(id) };
    },
  };
}
