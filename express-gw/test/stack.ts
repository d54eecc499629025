/** The real dubflow API for the gateway's tests: uvicorn from the repository's virtualenv on
 * loopback, over SQLite and local storage in a temporary data directory (as `testing/` does
 * for the Python tests), with users and API keys made by the API's own admin functions. */

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, ".venv", "bin");
export const METRICS_TOKEN = "gateway-test-metrics-token";
export const JWT_SECRET = "gateway-test-jwt-secret-of-at-least-32-bytes";
export const JWT_ISSUER = "https://issuer.test";
export const JWT_AUDIENCE = "dubflow";

export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface Api {
  url: string;
  dataDir: string;
  /** API keys by e-mail. */
  keys: Record<string, string>;
  /** What uvicorn and the API logged so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface ApiOptions {
  /** Where clients reach the API (signed URLs are absolute): the gateway's address. */
  publicUrl: string;
  users: string[];
  env?: Record<string, string>;
}

export async function startApi(options: ApiOptions): Promise<Api> {
  if (!existsSync(join(BIN, "uvicorn"))) {
    throw new Error(`${BIN}/uvicorn is missing: run \`make setup\` at the repository's root`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), "dubflow-gateway-"));
  const port = await freePort();
  const env = {
    ...process.env,
    DUBFLOW_DATA_DIR: dataDir,
    DUBFLOW_PUBLIC_URL: options.publicUrl,
    DUBFLOW_METRICS_TOKEN: METRICS_TOKEN,
    DUBFLOW_JWT_ISSUER: JWT_ISSUER,
    DUBFLOW_JWT_AUDIENCE: JWT_AUDIENCE,
    DUBFLOW_JWT_HS256_SECRET: JWT_SECRET,
    DUBFLOW_EVENTS_POLL_SECONDS: "0.1",
    // Nothing listens there: cancelling a job without runs must not wait for Dagster.
    DUBFLOW_DAGSTER_GRAPHQL_URL: `http://127.0.0.1:${await freePort()}/graphql`,
    ...options.env,
  };
  const keys = await createKeys(dataDir, options.users, env);
  const logPath = join(dataDir, "api.log");
  const logFile = createWriteStream(logPath);
  const child: ChildProcess = spawn(
    join(BIN, "uvicorn"),
    ["--factory", "dubbing_api.main:create_app", "--host", "127.0.0.1", "--port", String(port)],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/v1/health`, child, logPath);
  return {
    url,
    dataDir,
    keys,
    log: () => readFile(logPath, "utf8"),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      logFile.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function createKeys(
  dataDir: string,
  users: string[],
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  const script = [
    "import json, sys",
    "from dubbing_core.db import migrate",
    "from dubflow_cli.admin import create_key, create_user",
    `url = "sqlite:///${dataDir}/app.db"`,
    "migrate(url)",
    "keys = {}",
    "for email in sys.argv[1:]:",
    "    create_user(url, email)",
    "    keys[email] = create_key(url, email)",
    "print(json.dumps(keys))",
  ].join("\n");
  const { stdout } = await run(join(BIN, "python"), ["-c", script, ...users], { cwd: ROOT, env });
  return JSON.parse(stdout) as Record<string, string>;
}

async function waitUntilUp(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const log = await readFile(logPath, "utf8").catch(() => "");
      throw new Error(`the API exited with ${child.exitCode}:\n${log}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within 120 s`);
}

/** A small real video (H.264 picture over the repository's English recording), as
 * `testing/media.py` makes them. */
export async function makeVideo(dir: string, seconds = 2): Promise<string> {
  const path = join(dir, "clip.mp4");
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"],
    ...["-i", join(ROOT, "media", "multilingual.mp3"), "-t", String(seconds)],
    ...["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast"],
    ...["-pix_fmt", "yuv420p", "-c:a", "aac", path],
  ]);
  return path;
}

/** An HS256 JWT the API accepts (development key source, docs/security/authentication.md). */
export async function signJwt(email: string): Promise<string> {
  const { createHmac } = await import("node:crypto");
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    sub: email,
    email,
    iat: now,
    exp: now + 600,
  })}`;
  const signature = createHmac("sha256", JWT_SECRET).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}
