/** Contract tests: every operation of docs/openapi.yaml, called on the API directly and through
 * the gateway, answers the same status, content type, body shape and headers that matter, and
 * every JSON body validates against the documented response schema. Each side works as its own
 * user on its own resources (same steps, same order), so the two answers are comparable. */

import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";

import { createGateway } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { FrameReader } from "./events.js";
import { METRICS_TOKEN, ROOT, freePort, makeVideo, startApi, type Api } from "./stack.js";

interface Operation {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Answer {
  status: number;
  mediaType: string;
  body: unknown;
  /** Which of the headers that matter are present (values differ between two users). */
  headers: string[];
}

const MATTERING_HEADERS = [
  "etag",
  "location",
  "retry-after",
  "ratelimit-limit",
  "ratelimit-remaining",
  "cache-control",
  "x-accel-buffering",
  "x-request-id",
  "www-authenticate",
];
// An id no resource has, for operations this file has no scenario for.
const NO_SUCH_ID = "00000000000000000000000000";

let api: Api;
let gateway: Server;
let gatewayUrl: string;
let video: Buffer;
const operations = new Map<string, Operation>();
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  const document = parse(await readFile(join(ROOT, "docs", "openapi.yaml"), "utf8"), {
    // The dump shares repeated schemas as YAML aliases (over the parser's default of 100).
    maxAliasCount: -1,
  }) as {
    paths: Record<string, Record<string, Operation & { operationId: string }>>;
    components: { schemas: Record<string, unknown> };
  };
  const responses: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.set(operation.operationId, {
        method: method.toUpperCase(),
        path,
        responses: operation.responses,
      });
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, { schema }] of Object.entries(response.content ?? {})) {
          if (mediaType.endsWith("json")) responses[`${operation.operationId}.${status}`] = schema;
        }
      }
    }
  }
  // One schema holds the components and every response, so `#/components/...` resolves.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: "contract", components: document.components, responses });
  for (const name of Object.keys(responses)) {
    validators.set(name, ajv.compile({ $ref: `contract#/responses/${name}` }));
  }

  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  api = await startApi({
    publicUrl: gatewayUrl,
    users: ["direct@example.com", "gateway@example.com"],
  });
  const app = createGateway(loadConfig({ GATEWAY_UPSTREAM_URL: api.url }), {
    log: () => undefined,
  });
  await new Promise<void>((done) => {
    gateway = app.listen(port, "127.0.0.1", () => {
      done();
    });
  });
  video = await readFile(await makeVideo(await mkdtemp(join(tmpdir(), "dubflow-contract-"))));
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((done) => gateway.close(done));
  await api.stop();
});

interface Call {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  raw?: Uint8Array<ArrayBuffer>;
  /** A signed URL the API gave: its own path and query, asked of this side's base. */
  url?: string;
  authorization?: string | null;
}

/** One side's calls, recorded by operation. */
class Side {
  readonly answers = new Map<string, Answer>();

  constructor(
    readonly base: string,
    private readonly key: string,
  ) {}

  async call(operationId: string, call: Call = {}): Promise<unknown> {
    const response = await this.request(operationId, call);
    const mediaType = (response.headers.get("content-type") ?? "").split(";", 1)[0] ?? "";
    const text = await response.text();
    // JSON bodies as they are; others (metrics, an empty 204) by whether there is one.
    const body: unknown =
      mediaType.endsWith("json") && text.length > 0 ? JSON.parse(text) : text.length > 0;
    this.record(operationId, response, mediaType, body);
    return body;
  }

  /** An event stream: its answer, and the first event's data as its body. */
  async stream(operationId: string, call: Call = {}, firstEvent = true): Promise<void> {
    const response = await this.request(operationId, call);
    const mediaType = (response.headers.get("content-type") ?? "").split(";", 1)[0] ?? "";
    const reader = new FrameReader(response.body as ReadableStream<Uint8Array>);
    let body: unknown = null;
    if (firstEvent) {
      const frame = await reader.nextEvent();
      body = { event: frame?.event, data: JSON.parse(frame?.data ?? "null") as unknown };
    }
    await reader.cancel();
    this.record(operationId, response, mediaType, body);
  }

  private record(operationId: string, response: Response, mediaType: string, body: unknown) {
    const headers = MATTERING_HEADERS.filter((name) => response.headers.has(name));
    this.answers.set(operationId, { status: response.status, mediaType, body, headers });
  }

  private request(operationId: string, call: Call): Promise<Response> {
    const operation = operations.get(operationId);
    if (operation === undefined) throw new Error(`${operationId} is not in docs/openapi.yaml`);
    let target: string;
    if (call.url === undefined) {
      const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = call.params?.[name];
        if (value === undefined) throw new Error(`${operationId}: no ${name}`);
        return value;
      });
      target = `${this.base}${path}${call.query ? `?${call.query}` : ""}`;
    } else {
      const signed = new URL(call.url);
      target = `${this.base}${signed.pathname}${signed.search}`;
    }
    const headers: Record<string, string> = {};
    const authorization =
      call.authorization === undefined ? `Bearer ${this.key}` : call.authorization;
    if (authorization !== null) headers.authorization = authorization;
    let body: Uint8Array<ArrayBuffer> | string | undefined;
    if (call.raw !== undefined) {
      body = call.raw;
    } else if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers["content-type"] = "application/json";
    }
    return fetch(target, { method: operation.method, headers, ...(body ? { body } : {}) });
  }
}

/** The same steps on each side: a whole upload, a job and every read about it. */
async function scenario(side: Side): Promise<void> {
  await side.call("getHealth", { authorization: null });
  await side.call("getMetrics", { authorization: `Bearer ${METRICS_TOKEN}` });
  await side.call("getMe");
  await side.call("listLanguages");
  await side.call("listPresets");

  const session = (await side.call("createUpload", {
    body: { filename: "clip.mp4", contentType: "video/mp4", sizeBytes: video.length },
  })) as { id: string; partSize: number; parts: { partNumber: number; url: string }[] };
  await side.call("getUploadPartUrls", { params: { upload_id: session.id } });
  const parts = [];
  for (const part of session.parts) {
    const start = (part.partNumber - 1) * session.partSize;
    const received = (await side.call("putUploadPart", {
      url: part.url,
      raw: new Uint8Array(video.subarray(start, start + session.partSize)),
      authorization: null,
    })) as { etag: string };
    parts.push({ partNumber: part.partNumber, etag: received.etag });
  }
  await side.call("getUpload", { params: { upload_id: session.id } });
  await side.call("completeUpload", { params: { upload_id: session.id }, body: { parts } });

  const discarded = (await side.call("createUpload", {
    body: { filename: "other.mp4", contentType: "video/mp4", sizeBytes: 1000 },
  })) as { id: string };
  await side.call("abortUpload", { params: { upload_id: discarded.id } });

  const job = (await side.call("createJob", {
    body: { uploadId: session.id, sourceLanguage: "en", targets: [{ language: "es" }] },
  })) as { id: string };
  const params = { job_id: job.id };
  await side.call("listJobs", { query: "limit=5" });
  await side.call("getJob", { params });
  await side.call("listJobLogs", { params });
  await side.call("getJobQuality", { params });
  await side.call("getPlayback", { params });
  await side.call("retryJob", { params, body: { resumeFrom: "transcript" } });
  await side.call("addJobLanguages", { params, body: { targets: [{ language: "ca" }] } });
  await side.stream("streamJobEvents", { params });
  await side.stream("streamEvents", {}, false);
  await side.call("getMedia", {
    params: { key: `${job.id}/hls/master.m3u8` },
    authorization: null,
  });
  await side.call("cancelJob", { params });

  // Operations added to the contract since this scenario was written still go through both
  // ways: about a resource that does not exist.
  for (const [operationId, operation] of operations) {
    if (side.answers.has(operationId)) continue;
    const params: Record<string, string> = {};
    for (const [, name] of operation.path.matchAll(/\{(\w+)\}/g)) {
      if (name !== undefined) params[name] = NO_SUCH_ID;
    }
    const write = !["GET", "HEAD", "DELETE"].includes(operation.method);
    await side.call(operationId, { params, ...(write ? { body: {} } : {}) });
  }
}

/** The structure of a JSON value: keys and types, not values (ids and times differ). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(shape(item))))];
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, shape(item)]),
    );
  }
  return value === null ? "null" : typeof value;
}

it("answers every operation through the gateway as the API does directly", async () => {
  const direct = new Side(api.url, api.keys["direct@example.com"] ?? "");
  const through = new Side(gatewayUrl, api.keys["gateway@example.com"] ?? "");
  await scenario(direct);
  await scenario(through);

  expect([...through.answers.keys()].sort()).toEqual([...operations.keys()].sort());
  for (const [operationId, answer] of direct.answers) {
    const proxied = through.answers.get(operationId);
    expect({ operationId, ...proxied, body: shape(proxied?.body) }).toEqual({
      operationId,
      ...answer,
      body: shape(answer.body),
    });
    const documented = operations.get(operationId)?.responses[String(answer.status)];
    expect(documented, `${operationId} answered an undocumented ${answer.status}`).toBeDefined();
    const validate = validators.get(`${operationId}.${answer.status}`);
    if (answer.mediaType.endsWith("json") && validate !== undefined) {
      for (const body of [answer.body, proxied?.body]) {
        expect(validate(body), `${operationId} ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  }
  // The scenario reached the states it means to compare, not only errors.
  const statuses = Object.fromEntries(
    [...direct.answers].map(([operationId, answer]) => [operationId, answer.status]),
  );
  expect(statuses).toMatchObject({
    createUpload: 201,
    putUploadPart: 200,
    completeUpload: 200,
    abortUpload: 204,
    createJob: 201,
    getJob: 200,
    streamJobEvents: 200,
    streamEvents: 200,
    cancelJob: 200,
  });
});
