/** The shared rate-limit store: two gateways in front of one real API count in one real
 * PostgreSQL (DUBFLOW_TEST_POSTGRES_URL, from scripts/start-postgres.sh), so a client has one
 * budget whichever gateway it reaches; without the store each gateway counts on its own. */

import { randomBytes } from "node:crypto";

import pg from "pg";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createGateway } from "../src/app.js";
import { loadConfig, type GatewayConfig } from "../src/config.js";
import { TABLE } from "../src/rateLimitStore.js";
import { freePort, startApi, type Api } from "./stack.js";

const ANA = "ana@example.com";
const BEN = "ben@example.com";

const SERVER_URL = process.env.DUBFLOW_TEST_POSTGRES_URL?.replace(
  /^postgresql\+\w+:/,
  "postgresql:",
);
// A database of this run's own: other runs on the same server count the same addresses.
const DATABASE = `gateway_limits_${randomBytes(6).toString("hex")}`;

let api: Api;
let storeUrl: string;

function serverUrl(): string {
  if (SERVER_URL === undefined) {
    throw new Error(
      "DUBFLOW_TEST_POSTGRES_URL is not set: export it from ./scripts/start-postgres.sh",
    );
  }
  return SERVER_URL;
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function config(overrides: Partial<GatewayConfig>): GatewayConfig {
  return { ...loadConfig({ GATEWAY_UPSTREAM_URL: api.url }), ...overrides };
}

function bearer(email: string): string {
  const key = api.keys[email];
  if (key === undefined) throw new Error(`no key for ${email}`);
  return `Bearer ${key}`;
}

/** Two gateways counting in the store (or each in its own memory, without `shared`). */
function pair(limits: Partial<GatewayConfig>, shared = true) {
  const settings = config({ ...limits, rateLimitDatabaseUrl: shared ? storeUrl : undefined });
  const quiet = { log: () => undefined };
  return [createGateway(settings, quiet), createGateway(settings, quiet)] as const;
}

beforeAll(async () => {
  await sql(serverUrl(), `CREATE DATABASE ${DATABASE}`);
  storeUrl = serverUrl().replace(/\/[^/]*$/, `/${DATABASE}`);
  api = await startApi({
    publicUrl: `http://127.0.0.1:${await freePort()}`,
    users: [ANA, BEN],
  });
});

afterAll(async () => {
  await api.stop();
  await sql(serverUrl(), `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
});

// Every test starts with no counts (the gateways of the one before counted the same address).
beforeEach(async () => {
  await sql(storeUrl, `DROP TABLE IF EXISTS ${TABLE}`);
});

describe("a rate-limit store shared by gateways", () => {
  it("gives a credential one budget across two gateways", async () => {
    const [first, second] = pair({ rateLimitPerCredential: 4 });
    const statuses = [];
    for (const gateway of [first, second, first, second, first, second]) {
      statuses.push(
        (await request(gateway).get("/v1/presets").set("Authorization", bearer(ANA))).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await request(second).get("/v1/presets").set("Authorization", bearer(ANA));
    expect(refused.body).toMatchObject({ code: "rate_limit.requests", limit: 4 });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Another credential has a budget of its own.
    expect((await request(first).get("/v1/presets").set("Authorization", bearer(BEN))).status).toBe(
      200,
    );
  });

  it("counts concurrent requests exactly: the upsert is atomic", async () => {
    const [first, second] = pair({ rateLimitPerAddress: 10 });
    const burst = await Promise.all(
      Array.from({ length: 24 }, (_, i) => request(i % 2 ? first : second).get("/v1/health")),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(14);
    // One row, under the address limiter's prefix (the credential limiter's are apart).
    const rows = (await sql(storeUrl, `SELECT key, hits FROM ${TABLE}`)).rows as {
      key: string;
      hits: number;
    }[];
    expect(rows.map((row) => [row.key.split(":")[0], row.hits])).toEqual([["address", 24]]);
  });

  it("without the store, each gateway counts on its own (the default)", async () => {
    const [first, second] = pair({ rateLimitPerCredential: 2 }, false);
    const statuses = [];
    for (const gateway of [first, second, first, second]) {
      statuses.push(
        (await request(gateway).get("/v1/presets").set("Authorization", bearer(BEN))).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
  });

  it("refuses with 503 when the store cannot be reached, and passes nobody", async () => {
    const unreachable = `postgresql://postgres:none@127.0.0.1:${await freePort()}/none`;
    const gateway = createGateway(config({ rateLimitDatabaseUrl: unreachable }), {
      log: () => undefined,
    });
    const refused = await request(gateway).get("/v1/health");
    expect(refused.status).toBe(503);
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: "rate_limit.store_unavailable", status: 503 });
  });
});

describe("configuration", () => {
  it("takes a PostgreSQL URL, the API's form too, and refuses anything else", () => {
    const env = { GATEWAY_RATE_LIMIT_DATABASE_URL: "postgresql+psycopg://u:p@db:5432/dubflow" };
    expect(loadConfig(env).rateLimitDatabaseUrl).toBe(env.GATEWAY_RATE_LIMIT_DATABASE_URL);
    expect(loadConfig({}).rateLimitDatabaseUrl).toBeUndefined();
    expect(() => loadConfig({ GATEWAY_RATE_LIMIT_DATABASE_URL: "redis://cache:6379" })).toThrow(
      /GATEWAY_RATE_LIMIT_DATABASE_URL must be a postgresql:\/\/ URL/,
    );
  });
});
