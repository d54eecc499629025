/** Authentication at the edge. The API stays the source of truth: the gateway asks it about a
 * credential (`GET /v1/me` with the caller's own Authorization header), remembers the answer
 * briefly, keyed by a hash of the credential (never the credential itself), and turns away a
 * request the API would refuse before it reaches the API. A request it lets through still
 * carries the credential, and the API checks it again. */

import { createHash } from "node:crypto";

import { UpstreamTimeout, UpstreamUnavailable } from "./errors.js";
import type { Problem } from "./problems.js";

export type Verdict =
  | { ok: true; userId: string }
  | { ok: false; status: number; body: Problem; retryAfter: string | null };

interface Entry {
  verdict: Promise<Verdict>;
  expires: number;
}

/** Answers worth remembering: who the credential is, or that the API refused it. Anything
 * else (a 429, a 5xx, an unreachable API) is asked again next time. */
const CACHEABLE_REFUSALS = new Set([401, 403]);

export function credentialHash(authorization: string): string {
  return createHash("sha256").update(authorization).digest("hex");
}

export class EdgeAuth {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly upstream: URL,
    private readonly ttlMs: number,
    private readonly timeoutMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The API's verdict on `authorization`, from the cache when it is fresh. Concurrent
   * requests with the same credential share one question to the API. */
  verify(authorization: string, requestId: string): Promise<Verdict> {
    const key = credentialHash(authorization);
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expires > now) return cached.verdict;
    const verdict = this.ask(authorization, requestId);
    this.remember(key, { verdict, expires: now + this.ttlMs });
    verdict.then(
      (answer) => {
        if (!answer.ok && !CACHEABLE_REFUSALS.has(answer.status)) this.entries.delete(key);
      },
      () => this.entries.delete(key),
    );
    return verdict;
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }

  private async ask(authorization: string, requestId: string): Promise<Verdict> {
    let response: globalThis.Response;
    try {
      response = await fetch(new URL("/v1/me", this.upstream), {
        headers: { authorization, "x-request-id": requestId },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new UpstreamTimeout(message);
      }
      throw new UpstreamUnavailable(message);
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok && isRecord(body) && typeof body.id === "string") {
      return { ok: true, userId: body.id };
    }
    if (isProblem(body)) {
      const retryAfter = response.headers.get("retry-after");
      return { ok: false, status: response.status, body, retryAfter };
    }
    throw new UpstreamUnavailable(`GET /v1/me answered ${response.status} without a problem`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isProblem(value: unknown): value is Problem {
  return isRecord(value) && typeof value.code === "string" && typeof value.status === "number";
}
