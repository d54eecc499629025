/** The gateway in front of the real API: auth at the edge, rate limits, request shaping, the
 * chunked upload flow and event streams through it, and its own errors. */

import { readFile, mkdtemp } from "node:fs/promises";
import type { Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createGateway } from "../src/app.js";
import { loadConfig, type GatewayConfig } from "../src/config.js";
import { FrameReader } from "./events.js";
import { METRICS_TOKEN, freePort, makeVideo, signJwt, startApi, type Api } from "./stack.js";

const ANA = "ana@example.com";
const BEN = "ben@example.com";
const CAL = "cal@example.com";
const DAN = "dan@example.com";

let api: Api;
let gateway: Server;
let gatewayUrl: string;
const logged: { event: string; fields: Record<string, unknown> }[] = [];

function config(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return { ...loadConfig({ GATEWAY_UPSTREAM_URL: api.url }), ...overrides };
}

function bearer(email: string): string {
  const key = api.keys[email];
  if (key === undefined) throw new Error(`no key for ${email}`);
  return `Bearer ${key}`;
}

/** How many requests the API counted for a route and status (its own /metrics). */
async function apiRequests(method: string, route: string, status: number): Promise<number> {
  const text = await (
    await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const pattern = new RegExp(
    `^dubflow_http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\S+)$`,
    "m",
  );
  return Number(pattern.exec(text)?.[1] ?? 0);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  api = await startApi({
    publicUrl: gatewayUrl,
    users: [ANA, BEN, CAL, DAN],
    env: { DUBFLOW_EVENTS_MAX_STREAMS_PER_USER: "2" },
  });
  const app = createGateway(config(), {
    log: (event, fields) => logged.push({ event, fields }),
  });
  await new Promise<void>((done) => {
    gateway = app.listen(port, "127.0.0.1", () => {
      done();
    });
  });
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((done) => gateway.close(done));
  await api.stop();
});

describe("auth at the edge", () => {
  it("stops a request without a credential at the gateway, in the API's problem shape", async () => {
    const before = await apiRequests("GET", "/v1/jobs", 401);
    const response = await request(gatewayUrl).get("/v1/jobs?limit=5");
    expect(response.status).toBe(401);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.headers["www-authenticate"]).toBe("Bearer");
    expect(response.body).toEqual({
      type: "https://dubflow.dev/problems/auth.missing_key",
      title: "auth missing key",
      status: 401,
      detail: expect.any(String) as string,
      code: "auth.missing_key",
      instance: "/v1/jobs",
    });
    const direct = await request(api.url).get("/v1/jobs?limit=5");
    expect(Object.keys(response.body as object).sort()).toEqual(
      Object.keys(direct.body as object).sort(),
    );
    expect(direct.body).toMatchObject({ code: "auth.missing_key", status: 401 });
    // Only the direct request reached the API.
    expect(await apiRequests("GET", "/v1/jobs", 401)).toBe(before + 1);
  });

  it("gives the API's verdict on a bad key, for the path asked, without passing it on", async () => {
    const before = await apiRequests("GET", "/v1/jobs", 401);
    const response = await request(gatewayUrl)
      .get("/v1/jobs")
      .set("Authorization", "Bearer dfk_not-a-real-key");
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: "auth.invalid_key", instance: "/v1/jobs" });
    expect(await apiRequests("GET", "/v1/jobs", 401)).toBe(before);
  });

  it("asks the API about a credential once while its answer is fresh", async () => {
    const before = await apiRequests("GET", "/v1/me", 200);
    for (let i = 0; i < 3; i++) {
      const response = await request(gatewayUrl)
        .get("/v1/languages")
        .set("Authorization", bearer(BEN));
      expect(response.status).toBe(200);
    }
    expect(await apiRequests("GET", "/v1/me", 200)).toBe(before + 1);
  });

  it("accepts a JWT the API accepts", async () => {
    const token = await signJwt(CAL);
    const response = await request(gatewayUrl)
      .get("/v1/me")
      .set("Authorization", `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ email: CAL });
  });

  it("lets signed and public routes through without a credential", async () => {
    const health = await request(gatewayUrl).get("/v1/health");
    expect(health.status).toBe(200);
    // The API judges the (missing) signature.
    const media = await request(gatewayUrl).get("/v1/media/jobs/x/master.m3u8");
    expect(media.status).toBe(403);
    expect((media.body as { code: string }).code).toMatch(/^url\./);
  });
});

describe("rate limits", () => {
  it("limits each credential on its own", async () => {
    const app = createGateway(config({ rateLimitPerCredential: 3 }), { log: () => undefined });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await request(app).get("/v1/presets").set("Authorization", bearer(ANA))).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await request(app).get("/v1/presets").set("Authorization", bearer(ANA));
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: "rate_limit.requests", status: 429, limit: 3 });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.headers["ratelimit-remaining"]).toBe("0");
    // Another credential from the same address has its own count.
    const other = await request(app).get("/v1/presets").set("Authorization", bearer(BEN));
    expect(other.status).toBe(200);
  });

  it("limits each address, credential or not", async () => {
    const app = createGateway(config({ rateLimitPerAddress: 2 }), { log: () => undefined });
    expect((await request(app).get("/v1/health")).status).toBe(200);
    expect((await request(app).get("/v1/jobs").set("Authorization", bearer(BEN))).status).toBe(200);
    const refused = await request(app).get("/v1/health");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "rate_limit.requests" });
  });
});

describe("request shaping", () => {
  it("passes the client's request id on to the API and logs it on both sides", async () => {
    const requestId = "client-chosen-id-0001";
    const response = await request(gatewayUrl)
      .get("/v1/jobs")
      .set("Authorization", bearer(BEN))
      .set("X-Request-ID", requestId);
    expect(response.status).toBe(200);
    expect(response.headers["x-request-id"]).toBe(requestId);
    expect(logged).toContainEqual({
      event: "request",
      fields: expect.objectContaining({ requestId, path: "/v1/jobs", status: 200 }) as object,
    });
    await until("the API's log line", async () =>
      (await api.log()).includes(requestId) ? true : undefined,
    );
  });

  it("makes a request id when the client sends none, or one unsafe to log", async () => {
    for (const offered of [undefined, "bad id\twith spaces"]) {
      const call = request(gatewayUrl).get("/v1/health");
      const response = await (offered === undefined ? call : call.set("X-Request-ID", offered));
      expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("refuses a body over the limit, announced or chunked, with the API's code", async () => {
    const big = JSON.stringify({ uploadId: "x".repeat(70 * 1024), targets: [] });
    const announced = await request(gatewayUrl)
      .post("/v1/jobs")
      .set("Authorization", bearer(BEN))
      .set("Content-Type", "application/json")
      .send(big);
    expect(announced.status).toBe(413);
    expect(announced.body).toMatchObject({ code: "request.too_large", limit: 64 * 1024 });

    const chunked = await fetch(`${gatewayUrl}/v1/jobs`, {
      method: "POST",
      headers: { authorization: bearer(BEN), "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ code: "request.too_large" });
  });

  it("drops X-Forwarded-For a client made up, and sets security headers", async () => {
    const response = await request(gatewayUrl)
      .get("/v1/nothing-here")
      .set("X-Forwarded-For", "203.0.113.9");
    expect(response.status).toBe(401);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });
});

describe("uploads and live progress through the gateway", () => {
  it("uploads in parts to the part URLs, which point at the gateway, and follows the job", async () => {
    const video = await makeVideo(await mkdtemp(join(tmpdir(), "dubflow-gw-video-")));
    const bytes = await readFile(video);
    const auth = { authorization: bearer(DAN), "content-type": "application/json" };
    const created = await fetch(`${gatewayUrl}/v1/uploads`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        filename: "clip.mp4",
        contentType: "video/mp4",
        sizeBytes: bytes.length,
      }),
    });
    expect(created.status).toBe(201);
    const session = (await created.json()) as {
      id: string;
      partSize: number;
      parts: { partNumber: number; url: string }[];
    };
    expect(session.parts.length).toBeGreaterThan(0);
    const parts = [];
    for (const part of session.parts) {
      expect(part.url.startsWith(`${gatewayUrl}/v1/uploads/`)).toBe(true);
      const start = (part.partNumber - 1) * session.partSize;
      const sent = await fetch(part.url, {
        method: "PUT",
        body: bytes.subarray(start, start + session.partSize),
      });
      expect(sent.status).toBe(200);
      const etag = sent.headers.get("etag");
      expect(etag).toBeTruthy();
      parts.push({ partNumber: part.partNumber, etag });
    }
    const completed = await fetch(`${gatewayUrl}/v1/uploads/${session.id}/complete`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ parts }),
    });
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({ status: "completed" });

    const job = await fetch(`${gatewayUrl}/v1/jobs`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        uploadId: session.id,
        sourceLanguage: "en",
        targets: [{ language: "es" }],
      }),
    });
    expect(job.status).toBe(201);
    const { id: jobId } = (await job.json()) as { id: string };

    // The job's stream through the gateway: the creation event arrives while the stream is
    // open (the job has not ended), then a live one.
    const stream = await fetch(`${gatewayUrl}/v1/jobs/${jobId}/events`, { headers: auth });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("x-accel-buffering")).toBe("no");
    const reader = new FrameReader(stream.body as ReadableStream<Uint8Array>);
    const first = await reader.nextEvent();
    expect(first?.event).toBe("job.status");
    expect(JSON.parse(first?.data ?? "{}")).toMatchObject({ jobId, status: "queued" });

    const cancelled = await fetch(`${gatewayUrl}/v1/jobs/${jobId}`, {
      method: "DELETE",
      headers: auth,
    });
    expect(cancelled.status).toBe(200);
    const live = await reader.nextEvent();
    expect(live?.event).toBe("job.status");
    expect(JSON.parse(live?.data ?? "{}")).toMatchObject({ status: "cancelled" });
    const rest = [];
    for (let frame = await reader.nextEvent(); frame !== null; frame = await reader.nextEvent()) {
      rest.push(frame);
    }
    // The API ended the stream with the job, and the gateway ended it too.
    expect(rest.every((frame) => frame.event === "stage.status")).toBe(true);

    // Resume through the gateway: Last-Event-ID reaches the API.
    const resumed = await fetch(`${gatewayUrl}/v1/jobs/${jobId}/events`, {
      headers: { ...auth, "last-event-id": first?.id ?? "" },
    });
    const again = new FrameReader(resumed.body as ReadableStream<Uint8Array>);
    const next = await again.nextEvent();
    expect(next?.id).toBe(live?.id);
    await again.cancel();
  });

  it("passes heartbeats, and a client that leaves closes the API's stream", async () => {
    const headers = { authorization: bearer(ANA) };
    const open = async () => fetch(`${gatewayUrl}/v1/events`, { headers });
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    // The API allows 2 streams per user here: the third is refused by the API, through the gateway.
    const third = await open();
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: "events.too_many_streams" });

    const reader = new FrameReader(first.body as ReadableStream<Uint8Array>);
    const answered = Date.now();
    const heartbeat = await reader.next();
    expect(heartbeat).toEqual({ comment: "ping" });
    // The stream's headers came at once, not with the first heartbeat (15 s after the start).
    expect(Date.now() - answered).toBeGreaterThan(5_000);

    // Closing the gateway's stream gives the user's slot back at the API.
    await reader.cancel();
    const reopened = await until("a slot given back", async () => {
      const response = await open();
      if (response.status === 200) return response;
      await response.body?.cancel();
      return undefined;
    });
    await reopened.body?.cancel();
    await second.body?.cancel();
  });
});

describe("beyond /v1", () => {
  it("serves the web app, the OpenAPI document and the redirect as the API does", async () => {
    for (const path of ["/app/", "/openapi.json", "/"]) {
      const [direct, proxied] = await Promise.all([
        request(api.url).get(path),
        request(gatewayUrl).get(path),
      ]);
      expect({ path, status: proxied.status }).toEqual({ path, status: direct.status });
      expect(proxied.headers["content-type"]).toBe(direct.headers["content-type"]);
      // The API's own policy (the web app's) wins over the gateway's default.
      expect(proxied.headers["content-security-policy"]).toBe(
        direct.headers["content-security-policy"],
      );
      expect(proxied.headers.location).toBe(direct.headers.location);
    }
  });
});

describe("the gateway's own errors", () => {
  it("answers 502 when the API is not reachable", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const app = createGateway(loadConfig({ GATEWAY_UPSTREAM_URL: closed }), {
      log: () => undefined,
    });
    const open = await request(app).get("/v1/health");
    expect(open.status).toBe(502);
    expect(open.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(open.body).toMatchObject({ code: "upstream.unavailable", status: 502 });
    // Edge auth cannot ask the API either.
    const guarded = await request(app).get("/v1/jobs").set("Authorization", "Bearer x");
    expect(guarded.body).toMatchObject({ code: "upstream.unavailable", status: 502 });
  });

  it("answers 504 when the API does not answer in time", async () => {
    const silent: TcpServer = createTcpServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const app = createGateway(
      loadConfig({
        GATEWAY_UPSTREAM_URL: `http://127.0.0.1:${address.port}`,
        GATEWAY_UPSTREAM_TIMEOUT_SECONDS: "1",
      }),
      { log: () => undefined },
    );
    try {
      const open = await request(app).get("/v1/health");
      expect(open.status).toBe(504);
      expect(open.body).toMatchObject({ code: "upstream.timeout" });
      const guarded = await request(app).get("/v1/jobs").set("Authorization", "Bearer x");
      expect(guarded.body).toMatchObject({ code: "upstream.timeout", status: 504 });
    } finally {
      silent.close();
    }
  });
});
