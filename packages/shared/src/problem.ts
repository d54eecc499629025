/**
 * Every failure the app shows is an `ApiProblem`: the API's RFC 9457 problem documents keep
 * their stable `code`; anything else (a network error, a proxy's HTML page) gets a code here,
 * so the UI has one thing to explain.
 */
import type { Problem } from "@dubflow/api-client";

export interface FieldError {
  loc: (string | number)[];
  msg: string;
}

export class ApiProblem extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string;
  /** Where a `request.invalid` body failed validation. */
  readonly fieldErrors: FieldError[];

  constructor(code: string, status: number, detail: string, fieldErrors: FieldError[] = []) {
    super(`${code}: ${detail}`);
    this.name = "ApiProblem";
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
  }
}

/** Status 0: the request never got an HTTP answer. */
export const NETWORK_ERROR = "network.unreachable";

export function networkProblem(error: unknown): ApiProblem {
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiProblem(NETWORK_ERROR, 0, detail);
}

function isProblem(body: unknown): body is Problem & { errors?: FieldError[] } {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { code?: unknown }).code === "string" &&
    typeof (body as { detail?: unknown }).detail === "string"
  );
}

/** The problem an error response stands for, whatever its body was. */
export function problemFromBody(status: number, body: unknown): ApiProblem {
  if (isProblem(body)) {
    return new ApiProblem(body.code, status, body.detail, body.errors ?? []);
  }
  const text = typeof body === "string" ? body.slice(0, 200) : "";
  return new ApiProblem(`http.${status}`, status, text || `HTTP ${status}`);
}

export interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an openapi-fetch call, or its error thrown as an `ApiProblem`. */
export async function unwrap<T>(call: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw networkProblem(error);
  }
  if (result.error !== undefined || !result.response.ok) {
    throw problemFromBody(result.response.status, result.error);
  }
  return result.data as T;
}

/** Status 0 as well: something failed in the app itself. */
export const CLIENT_ERROR = "client.error";

/** A part was stored, but the browser may not read its ETag (S3 CORS must expose it). */
export const ETAG_UNREADABLE = "upload.etag_unreadable";

export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) {
    return error;
  }
  return new ApiProblem(CLIENT_ERROR, 0, error instanceof Error ? error.message : String(error));
}
