/** A rate-limit store in PostgreSQL (express-rate-limit's `Store`), so that every gateway
 * process in front of one API counts against one budget (docs/gateway.md).
 *
 * One row per key and window in `gateway_rate_limits`: each request is one atomic upsert that
 * starts a new window when the old one is over, else adds a hit. Windows are timed by the
 * database's clock, so replicas with skewed clocks still agree. The table is the gateway's own,
 * made when the first store starts (not in the API's migrations: the API never reads it). */

import pg from "pg";
import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";

export const TABLE = "gateway_rate_limits";
// Any fixed number: serialises the table's creation between gateways starting together.
const CREATE_LOCK = 74_657_123;

export class RateLimitStoreUnavailable extends Error {}

/** The pool the stores of one gateway share; `url` is a PostgreSQL URL (the API's
 * `postgresql+psycopg://` form is accepted too). */
export function rateLimitPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url.replace(/^postgresql\+\w+:/, "postgresql:"),
    max: 4,
    connectionTimeoutMillis: 5_000,
    // Idle connections do not keep a stopping gateway alive.
    allowExitOnIdle: true,
  });
  // An idle connection the server dropped: the next query opens another.
  pool.on("error", () => undefined);
  return pool;
}

const schemas = new WeakMap<pg.Pool, Promise<void>>();

function ensureTable(pool: pg.Pool): Promise<void> {
  let ready = schemas.get(pool);
  if (ready === undefined) {
    ready = (async () => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [CREATE_LOCK]);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${TABLE} (
             key text PRIMARY KEY,
             hits integer NOT NULL,
             reset_at timestamptz NOT NULL
           )`,
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    })();
    // A failed attempt is tried again by the next request.
    ready.catch(() => schemas.delete(pool));
    schemas.set(pool, ready);
  }
  return ready;
}

interface Row {
  hits: number;
  reset_at: Date;
}

export class PostgresStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private sweeper: NodeJS.Timeout | undefined;

  /** `prefix` keeps the keys of different limiters apart in the one table. */
  constructor(
    private readonly pool: pg.Pool,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    // Rows of windows long over: a client that does not come back leaves its row behind.
    this.sweeper = setInterval(() => {
      this.query(`DELETE FROM ${TABLE} WHERE reset_at < now() AND key LIKE $1`, [
        `${this.prefix}%`,
      ]).catch(() => undefined);
    }, this.windowMs);
    this.sweeper.unref();
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const rows = await this.query(
      `SELECT hits, reset_at FROM ${TABLE} WHERE key = $1 AND reset_at > now()`,
      [this.prefix + key],
    );
    return rows[0] && info(rows[0]);
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const rows = await this.query(
      `INSERT INTO ${TABLE} AS counted (key, hits, reset_at)
         VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN counted.reset_at <= now() THEN 1 ELSE counted.hits + 1 END,
         reset_at = CASE WHEN counted.reset_at <= now() THEN excluded.reset_at
                         ELSE counted.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    const row = rows[0];
    if (row === undefined) throw new RateLimitStoreUnavailable("the upsert returned no row");
    return info(row);
  }

  async decrement(key: string): Promise<void> {
    await this.query(
      `UPDATE ${TABLE} SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()`,
      [this.prefix + key],
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.query(`DELETE FROM ${TABLE} WHERE key = $1`, [this.prefix + key]);
  }

  shutdown(): void {
    clearInterval(this.sweeper);
  }

  private async query(text: string, values: unknown[]): Promise<Row[]> {
    try {
      await ensureTable(this.pool);
      return (await this.pool.query<Row>(text, values)).rows;
    } catch (error) {
      throw new RateLimitStoreUnavailable(`rate-limit store: ${String(error)}`);
    }
  }
}

function info(row: Row): ClientRateLimitInfo {
  return { totalHits: row.hits, resetTime: row.reset_at };
}
