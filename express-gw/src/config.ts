/** The gateway's settings, from `GATEWAY_*` environment variables (docs/gateway.md). */

export interface GatewayConfig {
  /** Where the dubflow API listens (the gateway is its only client in such a deployment). */
  upstreamUrl: URL;
  host: string;
  port: number;
  /** Largest request body but an upload part (the API's own JSON limit is 64 KiB). */
  maxBodyBytes: number;
  /** Largest upload part passed to the API's signed part URL. */
  maxPartBytes: number;
  /** Requests per window: per client address (every request) and per credential. */
  rateLimitPerAddress: number;
  rateLimitPerCredential: number;
  rateLimitWindowMs: number;
  /** PostgreSQL the rate limits count in, shared by every gateway process; none: each process
   * counts in its own memory. */
  rateLimitDatabaseUrl: string | undefined;
  /** How long an answer of `GET /v1/me` about a credential is reused. */
  authCacheMs: number;
  /** From the end of the request body to the upstream's response headers. */
  upstreamTimeoutMs: number;
  /** Whether X-Forwarded-* headers from the client are believed (behind a trusted proxy). */
  trustProxy: boolean;
}

type Env = Record<string, string | undefined>;

const MiB = 1024 * 1024;

export class ConfigError extends Error {}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? "").toLowerCase();
  if (["", "0", "false", "no"].includes(raw)) return false;
  if (["1", "true", "yes"].includes(raw)) return true;
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(env[name])}`);
}

function upstream(env: Env): URL {
  const raw = env.GATEWAY_UPSTREAM_URL ?? "http://127.0.0.1:8000";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`GATEWAY_UPSTREAM_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`GATEWAY_UPSTREAM_URL must be http or https, not ${url.protocol}`);
  }
  return url;
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^postgres(ql)?(\+\w+)?:\/\//.test(raw)) {
    throw new ConfigError(`${name} must be a postgresql:// URL`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  return {
    upstreamUrl: upstream(env),
    host: env.GATEWAY_HOST ?? "127.0.0.1",
    port: integer(env, "GATEWAY_PORT", 8080),
    maxBodyBytes: integer(env, "GATEWAY_MAX_BODY_BYTES", 64 * 1024),
    maxPartBytes: integer(env, "GATEWAY_MAX_PART_BYTES", 64 * MiB),
    rateLimitPerAddress: integer(env, "GATEWAY_RATE_LIMIT_PER_ADDRESS", 1200),
    rateLimitPerCredential: integer(env, "GATEWAY_RATE_LIMIT_PER_CREDENTIAL", 600),
    rateLimitWindowMs: integer(env, "GATEWAY_RATE_LIMIT_WINDOW_SECONDS", 60) * 1000,
    rateLimitDatabaseUrl: postgresUrl(env, "GATEWAY_RATE_LIMIT_DATABASE_URL"),
    authCacheMs: integer(env, "GATEWAY_AUTH_CACHE_SECONDS", 30) * 1000,
    upstreamTimeoutMs: integer(env, "GATEWAY_UPSTREAM_TIMEOUT_SECONDS", 60) * 1000,
    trustProxy: flag(env, "GATEWAY_TRUST_PROXY"),
  };
}
