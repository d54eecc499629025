/** The gateway: an Express app in front of the dubflow API (docs/gateway.md).
 *
 * In order, every request gets a request id (the client's, if safe, else a new one) that the
 * API logs too; loses the X-Forwarded-* headers a client made up; gets the security headers;
 * is refused early when its body is too large, when its address or credential is over its
 * rate limit, or when the API says its credential is no good; and is then streamed to the API
 * as it is. Responses stream back unbuffered, Server-Sent Events included. */

import { randomUUID } from "node:crypto";
import {
  Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";

import express, { type NextFunction, type Request, type Response } from "express";
import rateLimit, { type Options as RateLimitOptions } from "express-rate-limit";
import helmet from "helmet";
import { createProxyMiddleware } from "http-proxy-middleware";

import { EdgeAuth, credentialHash } from "./auth.js";
import type { GatewayConfig } from "./config.js";
import { UpstreamTimeout, UpstreamUnavailable } from "./errors.js";
import { jsonLog, type Log } from "./log.js";
import { pathOf, relayProblem, sendProblem } from "./problems.js";
import { PostgresStore, RateLimitStoreUnavailable, rateLimitPool } from "./rateLimitStore.js";

const REQUEST_ID = "x-request-id";
// The API keeps a client's request id under the same rule (dubbing_api/core/observability.py).
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

interface Route {
  methods: string[];
  path: RegExp;
}

/** An upload part sent to the URL the API signed (local storage). */
const PART_ROUTE: Route = { methods: ["PUT"], path: /^\/v1\/uploads\/[^/]+\/parts\/[^/]+$/ };
/** Routes of /v1 that carry their own proof (a signed URL) or none: no credential to check. */
const OPEN_ROUTES: Route[] = [
  { methods: ["GET", "HEAD"], path: /^\/v1\/health$/ },
  PART_ROUTE,
  { methods: ["GET", "HEAD"], path: /^\/v1\/media\// },
];

function matches(route: Route, req: Request): boolean {
  return route.methods.includes(req.method) && route.path.test(pathOf(req));
}

/** What the gateway learnt about a request on its way through. */
interface Locals {
  requestId: string;
  credential?: string;
}

function locals(res: Response): Locals {
  return res.locals as Locals;
}

function needsCredential(req: Request): boolean {
  const path = pathOf(req);
  if (path !== "/v1" && !path.startsWith("/v1/")) return false;
  return !OPEN_ROUTES.some((route) => matches(route, req));
}

function upstreamAgent(upstream: URL): HttpAgent {
  const options = { keepAlive: true, noDelay: true };
  return upstream.protocol === "https:" ? new HttpsAgent(options) : new HttpAgent(options);
}

export interface GatewayOptions {
  log?: Log;
}

export function createGateway(config: GatewayConfig, options: GatewayOptions = {}) {
  const log = options.log ?? jsonLog;
  const auth = new EdgeAuth(config.upstreamUrl, config.authCacheMs, config.upstreamTimeoutMs);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const offered = req.get(REQUEST_ID);
    const requestId = offered && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
    req.headers[REQUEST_ID] = requestId;
    res.setHeader("X-Request-ID", requestId);
    locals(res).requestId = requestId;
    const started = process.hrtime.bigint();
    res.on("close", () => {
      log("request", {
        requestId,
        method: req.method,
        path: pathOf(req),
        status: res.statusCode,
        completed: res.writableFinished,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    if (!config.trustProxy) {
      // Only the gateway says who the client is: the API's limits per address rely on it.
      for (const name of Object.keys(req.headers)) {
        if (name.startsWith("x-forwarded-") || name === "forwarded") {
          Reflect.deleteProperty(req.headers, name);
        }
      }
    }
    next();
  });

  app.use(
    helmet({
      // The gateway's own answers are problem documents; the API sets its own policy (the
      // web app's, the docs pages') on what it serves, and that one is passed on.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
    }),
  );

  app.use((req: Request, res: Response, next: NextFunction) => {
    const part = matches(PART_ROUTE, req);
    const limit = part ? config.maxPartBytes : config.maxBodyBytes;
    const code = part ? "upload.part_too_large" : "request.too_large";
    const refuse = () => {
      sendProblem(res, 413, code, `the request body is larger than ${limit} bytes`, { limit });
    };
    const declared = req.get("content-length");
    if (declared !== undefined && Number(declared) > limit) {
      refuse();
      return;
    }
    if (req.get("transfer-encoding") !== undefined) {
      // A chunked body announces no size: count it as it passes.
      let seen = 0;
      req.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > limit && !res.headersSent) {
          refuse();
          req.unpipe();
          req.destroy();
        }
      });
    }
    next();
  });

  const pool =
    config.rateLimitDatabaseUrl === undefined
      ? undefined
      : rateLimitPool(config.rateLimitDatabaseUrl);
  /** A fixed-window limit, counted under `name` (in memory, or shared in PostgreSQL); by
   * client address unless `keys` says otherwise. */
  const limited = (name: string, limit: number, keys: Partial<RateLimitOptions> = {}) =>
    rateLimit({
      windowMs: config.rateLimitWindowMs,
      limit,
      ...keys,
      ...(pool && { store: new PostgresStore(pool, `${name}:`) }),
      // The API sends its own RateLimit-* headers on writes; the gateway's appear on its 429.
      standardHeaders: false,
      legacyHeaders: false,
      handler: (req, res) => {
        const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
        const reset = info?.resetTime ?? new Date(Date.now() + config.rateLimitWindowMs);
        const seconds = Math.max(Math.ceil((reset.getTime() - Date.now()) / 1000), 1);
        res.setHeader("Retry-After", String(seconds));
        res.setHeader("RateLimit-Limit", String(limit));
        res.setHeader("RateLimit-Remaining", "0");
        res.setHeader("RateLimit-Reset", String(seconds));
        const window = config.rateLimitWindowMs / 1000;
        sendProblem(
          res,
          429,
          "rate_limit.requests",
          `too many requests: at most ${limit} per ${window} s`,
          { limit, retryAfter: seconds },
        );
      },
    });

  // Every request counts against its address, before the API is asked anything about it.
  app.use(limited("address", config.rateLimitPerAddress));

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!needsCredential(req)) {
      next();
      return;
    }
    const authorization = req.get("authorization");
    if (!authorization) {
      sendProblem(
        res,
        401,
        "auth.missing_key",
        "an API key is required: Authorization: Bearer <key>",
      );
      return;
    }
    auth.verify(authorization, locals(res).requestId).then(
      (verdict) => {
        if (verdict.ok) {
          locals(res).credential = credentialHash(authorization);
          next();
          return;
        }
        relayProblem(res, verdict.body, verdict.retryAfter);
      },
      (error: unknown) => {
        next(error);
      },
    );
  });

  // Each credential the API accepted has its own count (requests without one have none).
  app.use(
    limited("credential", config.rateLimitPerCredential, {
      keyGenerator: (_req, res) => locals(res).credential ?? "",
      skip: (_req, res) => locals(res).credential === undefined,
    }),
  );

  app.use(
    createProxyMiddleware<Request, Response>({
      target: config.upstreamUrl.href,
      // Without an agent http-proxy opens a connection per request (`Connection: close`);
      // without noDelay, Nagle's algorithm holds a request's last small write for the API's
      // delayed ACK (about 40 ms a request).
      agent: upstreamAgent(config.upstreamUrl),
      changeOrigin: true,
      xfwd: true,
      on: {
        proxyReq: (proxyReq: ClientRequest, _req: Request, res: Response) => {
          // The upstream has this long to start its answer once it has the whole request.
          let timer: NodeJS.Timeout | undefined;
          proxyReq.on("finish", () => {
            timer = setTimeout(() => {
              proxyReq.destroy(new UpstreamTimeout("no response from the API in time"));
            }, config.upstreamTimeoutMs);
          });
          proxyReq.on("response", () => {
            clearTimeout(timer);
          });
          proxyReq.on("close", () => {
            clearTimeout(timer);
          });
          // A client that goes away (e.g. closes an event stream) closes the API's side too.
          res.on("close", () => {
            if (!res.writableFinished) proxyReq.destroy();
          });
        },
        proxyRes: (proxyRes: IncomingMessage, _req: Request, res: Response) => {
          // Node sends a response's headers with its first body bytes: an event stream with
          // nothing to say yet would look unanswered to its client until the first heartbeat.
          // Sent once http-proxy has copied the API's headers (right after this event).
          if (proxyRes.headers["content-type"]?.startsWith("text/event-stream")) {
            setImmediate(() => {
              if (!res.headersSent && !res.destroyed) res.flushHeaders();
            });
          }
        },
        error: (error: Error, _req: IncomingMessage, res: ServerResponse | Socket) => {
          if (!("req" in res)) return;
          const response = res as Response;
          if (response.headersSent || response.destroyed) {
            response.destroy();
            return;
          }
          if (error instanceof UpstreamTimeout) {
            sendProblem(response, 504, "upstream.timeout", "the API did not answer in time");
          } else {
            sendProblem(response, 502, "upstream.unavailable", "the API is not reachable");
          }
        },
      },
    }),
  );

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = locals(res).requestId;
    if (error instanceof UpstreamTimeout) {
      log("upstream.timeout", { requestId, error: error.message });
      sendProblem(res, 504, "upstream.timeout", "the API did not answer in time");
      return;
    }
    if (error instanceof RateLimitStoreUnavailable) {
      // Without its counts the gateway cannot tell who is over a limit: nobody passes.
      log("rate_limit.store_unavailable", { requestId, error: error.message });
      sendProblem(res, 503, "rate_limit.store_unavailable", "the rate limits cannot be checked");
      return;
    }
    if (error instanceof UpstreamUnavailable) {
      log("upstream.unavailable", { requestId, error: error.message });
      sendProblem(res, 502, "upstream.unavailable", "the API is not reachable");
      return;
    }
    log("internal.error", { requestId, error: String(error) });
    sendProblem(
      res,
      500,
      "internal.error",
      "an internal error occurred; report it with this request id",
      {
        requestId,
      },
    );
  });

  return app;
}
