/** The gateway's own errors, as RFC 9457 problem documents in the API's shape and vocabulary
 * (docs/api.md "Errors"): a client handles one format whichever of the two answered. */

import type { Request, Response } from "express";

export const PROBLEM_JSON = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  [extra: string]: unknown;
}

export function problem(
  status: number,
  code: string,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: `https://dubflow.dev/problems/${code}`,
    title: code.replaceAll(".", " ").replaceAll("_", " "),
    status,
    detail,
    code,
    instance,
    ...extra,
  };
}

export function sendProblem(
  res: Response,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  const body = problem(status, code, detail, pathOf(res.req), extra);
  if (status === 401) res.setHeader("WWW-Authenticate", "Bearer");
  res.status(status).type(PROBLEM_JSON).send(JSON.stringify(body));
}

/** The request's path without its query string (which may carry a signature). */
export function pathOf(req: Request): string {
  return req.originalUrl.split("?", 1)[0] ?? "/";
}

/** Pass on a problem the API gave about another request (its `GET /v1/me`) as its answer to
 * this one. */
export function relayProblem(res: Response, body: Problem, retryAfter: string | null): void {
  const { code, status, detail } = body;
  const extra = Object.fromEntries(
    Object.entries(body).filter(([name]) => !STANDARD_MEMBERS.has(name)),
  );
  if (retryAfter !== null) res.setHeader("Retry-After", retryAfter);
  sendProblem(res, status, code, detail, extra);
}

const STANDARD_MEMBERS = new Set(["type", "title", "status", "detail", "code", "instance"]);
