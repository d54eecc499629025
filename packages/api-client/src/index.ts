/**
 * The typed dubflow client: paths, bodies and responses come from `schema.ts`, which is
 * generated from docs/openapi.yaml (`make openapi`); never edit that file by hand.
 */
import createFetchClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema.ts";

export type { components, paths } from "./schema.ts";

export type Schemas = components["schemas"];
export type Job = Schemas["Job"];
export type JobSummary = Schemas["JobSummary"];
export type Problem = Schemas["Problem"];
export type StageName = Schemas["StageState"]["stage"];
export type UploadSession = Schemas["UploadSession"];

export type DubflowClient = Client<paths>;

/**
 * A client for `baseUrl` that sends `apiKey` (when given) as a bearer token. `fetch` replaces the
 * global one (the mobile app passes Expo's, whose responses stream, for the live events).
 */
export function createClient(
  baseUrl: string,
  apiKey?: string,
  fetch?: (request: Request) => Promise<Response>,
): DubflowClient {
  const client = createFetchClient<paths>(fetch === undefined ? { baseUrl } : { baseUrl, fetch });
  if (apiKey !== undefined) {
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${apiKey}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

/** A problem document's stable `code`, or undefined when `error` is not a problem. */
export function problemCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** The `data` of each live progress event (`GET /v1/jobs/{id}/events`, `GET /v1/events`). */
export type JobEvent =
  | Schemas["JobStatusEvent"]
  | Schemas["StageStatusEvent"]
  | Schemas["StageProgressEvent"]
  | Schemas["LanguageReadyEvent"];
