// Checks a request against ConnectWise's published OpenAPI document (the trimmed extract beside
// this file): a declared path and method, int32 path parameters, an Accept header the operation's
// responses declare, a declared request content type, and the body against its schema (ajv).
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

type TOperation = {
  parameters?: Array<{ name: string; in: string; schema: { type: string; format?: string } }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type TDocument = { paths: Record<string, Record<string, TOperation>> };

const document = JSON.parse(
  readFileSync(new URL("./connectwise-openapi-2025.8.json", import.meta.url), "utf8"),
) as TDocument;

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const isInt32 = (value: number) => Number.isInteger(value) && value >= INT32.min && value <= INT32.max;

// strict: false because the schemas sit inside an OpenAPI document (its `openapi`, `paths`…).
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat("int32", { type: "number", validate: isInt32 });
ajv.addFormat("double", { type: "number", validate: Number.isFinite });
ajv.addSchema(document, "connectwise");

export type TConnectWiseRequest = {
  method: string;
  /** The path under the API root (/v4_6_release/apis/3.0). */
  path: string;
  accept: string | undefined;
  contentType: string | undefined;
  body: string;
};

/** Everything about the request the document does not allow; empty when it conforms. */
export function connectWiseSpecViolations(request: TConnectWiseRequest): string[] {
  const found = Object.entries(document.paths)
    .map(([template, item]) => ({ template, item, params: matchTemplate(template, request.path) }))
    .find((candidate) => candidate.params !== null);
  if (!found?.params) return [`${request.path}: no such path in the document`];
  const operation = found.item[request.method.toLowerCase()];
  const where = `${request.method} ${found.template}`;
  if (!operation) return [`${where}: no such operation in the document`];

  const violations: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== "path" || parameter.schema.format !== "int32") continue;
    const value = found.params[parameter.name] ?? "";
    if (!/^\d+$/.test(value) || !isInt32(Number(value)))
      violations.push(`${where}: path parameter ${parameter.name}=${value} is not an int32`);
  }

  const declared = Object.values(operation.responses).flatMap((response) =>
    Object.keys(response.content ?? {}),
  );
  if (!acceptsAny(request.accept, declared))
    violations.push(`${where}: Accept "${request.accept}" allows none of ${JSON.stringify(declared)}`);

  if (operation.requestBody) {
    const mediaType = request.contentType?.split(";")[0]?.trim() ?? "";
    const content = operation.requestBody.content[mediaType];
    if (!content) {
      violations.push(`${where}: Content-Type "${request.contentType}" is not declared`);
    } else {
      const validate = ajv.compile({
        $ref: `connectwise#/paths/${pointer(found.template)}/${request.method.toLowerCase()}/requestBody/content/${pointer(mediaType)}/schema`,
      });
      if (!validate(JSON.parse(request.body)))
        violations.push(`${where}: body ${ajv.errorsText(validate.errors)}`);
    }
  }
  return violations;
}

function matchTemplate(template: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  return match ? Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? ""])) : null;
}

/** True when the Accept header names one of the declared media types exactly (parameters included). */
function acceptsAny(accept: string | undefined, declared: string[]): boolean {
  const normalise = (mediaType: string) =>
    mediaType
      .replace(/\s*;\s*/g, ";")
      .trim()
      .toLowerCase();
  const wanted = (accept ?? "").split(",").map(normalise);
  return declared.some((mediaType) => wanted.includes(normalise(mediaType)));
}

/** A JSON Pointer segment. */
const pointer = (segment: string) => encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"));
