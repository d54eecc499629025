/**
 * A resumable, chunked upload of one file to the part URLs of an upload session, with no React
 * and no browser transport in it (both are injected), so every path is testable.
 *
 * - Parts go out a few at a time; each failed part is retried with back-off, then left `failed`
 *   for the person to retry (`retryFailed`). A 403 (part URL expired) fetches fresh URLs first.
 * - `pause` aborts the parts in flight; `resume` sends whatever is not on the server yet.
 * - `cancel` aborts the parts in flight, asks the API to abort the session (its parts are
 *   deleted) and forgets it for this file; an upload that has completed cannot be cancelled.
 * - The session id is remembered per file, so picking the same file after a reload asks the API
 *   which parts it already holds (`GET /v1/uploads/{id}`) and sends only the missing ones; a file
 *   whose upload already completed is not sent again at all.
 */
import { type ApiProblem, asProblem, ETAG_UNREADABLE } from "../problem";
import type { CompletedPart, UploadSession, UploadState } from "../types";

/**
 * What the upload needs of a file (a browser `File` is one). `slice` names a part's bytes in a
 * form the transport reads: a `Blob` in the browser, a byte range of the file on disk in the
 * mobile app (read only when the part is sent, so the whole file is never in memory).
 */
export interface UploadFile<Body = Blob> {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly lastModified: number;
  slice(start: number, end: number): Body;
}

export interface UploadApi {
  create(file: UploadFile<unknown>): Promise<UploadSession>;
  state(uploadId: string): Promise<UploadState>;
  partUrls(uploadId: string): Promise<UploadSession>;
  complete(uploadId: string, parts: CompletedPart[]): Promise<UploadState>;
  /** Aborts a pending session; the server deletes its parts. */
  abort(uploadId: string): Promise<void>;
}

/** PUTs one part; resolves with its ETag, rejects with an `ApiProblem` (or on abort). */
export type SendPart<Body = Blob> = (
  url: string,
  body: Body,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
) => Promise<string>;

export interface ResumeRecords {
  find(fingerprint: string): string | null;
  remember(fingerprint: string, uploadId: string, expiresAt: string): void;
  forget(fingerprint: string): void;
}

export interface UploadOptions<Body = Blob> {
  api: UploadApi;
  sendPart: SendPart<Body>;
  records: ResumeRecords;
  /** Parts in flight at once. */
  concurrency?: number;
  /** Attempts per part before it is left `failed`. */
  maxAttempts?: number;
  /** The first retry's wait; each next one doubles. */
  retryDelayMs?: number;
}

export type PartStatus = "waiting" | "sending" | "sent" | "failed";

export interface PartProgress {
  readonly number: number;
  readonly size: number;
  readonly sentBytes: number;
  readonly status: PartStatus;
  readonly attempts: number;
  readonly problem: ApiProblem | null;
}

export type UploadPhase =
  | "idle"
  | "preparing"
  | "uploading"
  | "paused"
  | "failed" // some parts failed every attempt: `retryFailed` sends them again
  | "completing"
  | "completed"
  | "error" // the session cannot go on (expired, not a video…): pick the file again
  | "cancelling" // the API is asked to abort the session
  | "cancelled"; // stopped for good at the person's request: nothing of it is kept

/** The phases `cancel` acts in: not once the parts are being assembled, or after. */
export const CANCELLABLE: ReadonlySet<UploadPhase> = new Set<UploadPhase>([
  "preparing",
  "uploading",
  "paused",
  "failed",
  "error",
]);

export interface UploadSnapshot {
  readonly phase: UploadPhase;
  readonly uploadId: string | null;
  readonly totalBytes: number;
  readonly sentBytes: number;
  readonly parts: readonly PartProgress[];
  /** Parts the server already held when this upload started (a resumed upload). */
  readonly resumedParts: number;
  readonly problem: ApiProblem | null;
  readonly result: UploadState | null;
}

/** Problems after which sending more parts to this session is pointless. */
const SESSION_OVER = new Set([
  "upload.not_found",
  "upload.expired",
  "upload.aborted",
  "upload.rejected",
  "upload.already_completed",
  "upload.part_out_of_range",
  "upload.not_media",
  "upload.etag_mismatch",
  ETAG_UNREADABLE, // every part would be the same: the storage's CORS rules need fixing
]);

/** Answers to an abort saying the session is gone anyway: the cancel has nothing left to do. */
const SESSION_GONE = new Set([
  "upload.not_found",
  "upload.expired",
  "upload.aborted",
  "upload.rejected",
]);

/** A session the server no longer has, or will not take parts for: forget it for this file. */
const FORGET_SESSION = new Set([
  "upload.not_found",
  "upload.expired",
  "upload.aborted",
  "upload.rejected",
  "upload.not_media",
]);

export function fingerprint(file: UploadFile<unknown>): string {
  return `${file.name}|${file.size}|${file.lastModified}`;
}

interface Part {
  number: number;
  size: number;
  sentBytes: number;
  status: PartStatus;
  attempts: number;
  problem: ApiProblem | null;
  etag: string | null;
}

/** A call, not a property read: TypeScript would keep an `aborted` check narrowed across awaits. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class ChunkedUpload<Body = Blob> {
  private readonly file: UploadFile<Body>;
  private readonly api: UploadApi;
  private readonly sendPart: SendPart<Body>;
  private readonly records: ResumeRecords;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  private phase: UploadPhase = "idle";
  private session: UploadSession | null = null;
  private parts: Part[] = [];
  private urls = new Map<number, string>();
  private refreshingUrls: Promise<void> | null = null;
  private resumedParts = 0;
  private problem: ApiProblem | null = null;
  private result: UploadState | null = null;
  /** Aborted by `pause`, `cancel` and a fatal problem; each run of `send` has its own. */
  private controller = new AbortController();
  /** The run of `send` under way, if any. */
  private sending: Promise<void> | null = null;
  private listeners = new Set<() => void>();
  private current: UploadSnapshot;

  constructor(file: UploadFile<Body>, options: UploadOptions<Body>) {
    this.file = file;
    this.api = options.api;
    this.sendPart = options.sendPart;
    this.records = options.records;
    this.concurrency = options.concurrency ?? 3;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.current = this.build();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The state as of the last change (the same object until something changes). */
  snapshot(): UploadSnapshot {
    return this.current;
  }

  /** Resumes this file's earlier session if the server still has it, else starts one. */
  async start(): Promise<void> {
    if (this.phase !== "idle") {
      return;
    }
    this.set("preparing");
    try {
      await this.prepare();
    } catch (error) {
      if (this.currentPhase() === "preparing") {
        this.fail(asProblem(error));
      }
      return;
    }
    if (this.currentPhase() !== "preparing") {
      await this.dropLateSession(); // cancelled meanwhile
    } else if (this.session === null) {
      this.set("completed"); // the file's earlier upload had already completed
    } else {
      await this.send();
    }
  }

  pause(): void {
    if (this.phase !== "uploading") {
      return;
    }
    this.stopPartsInFlight();
    this.set("paused");
  }

  /** Aborts the part requests under way; those parts will be sent again from their start. */
  private stopPartsInFlight(): void {
    this.controller.abort();
    for (const part of this.parts) {
      if (part.status === "sending") {
        part.status = "waiting";
        part.sentBytes = 0;
      }
    }
  }

  /**
   * Stops the upload for good: the parts in flight are aborted, the API aborts the session and
   * deletes its parts, and the session is forgotten for this file. Before a session exists it
   * just stops. When the API cannot abort it, the upload ends in `error` with the problem (still
   * resumable, and cancelling can be tried again).
   */
  async cancel(): Promise<void> {
    if (!CANCELLABLE.has(this.phase)) {
      return;
    }
    this.stopPartsInFlight();
    const session = this.session;
    if (session === null) {
      this.set("cancelled"); // `start` drops a session that is created after this
      return;
    }
    this.set("cancelling");
    await this.sending; // the aborted parts settle before the session goes
    try {
      await this.api.abort(session.id);
    } catch (error) {
      const problem = asProblem(error);
      if (!SESSION_GONE.has(problem.code)) {
        this.set("error", problem);
        return;
      }
    }
    this.records.forget(fingerprint(this.file));
    this.set("cancelled");
  }

  async resume(): Promise<void> {
    if (this.phase === "paused") {
      await this.send();
    }
  }

  async retryFailed(): Promise<void> {
    if (this.phase !== "failed") {
      return;
    }
    for (const part of this.parts) {
      if (part.status === "failed") {
        part.status = "waiting";
        part.attempts = 0;
        part.problem = null;
      }
    }
    await this.send();
  }

  private async prepare(): Promise<void> {
    const key = fingerprint(this.file);
    const earlier = this.records.find(key);
    if (earlier !== null && (await this.adopt(earlier))) {
      return;
    }
    const session = await this.api.create(this.file);
    this.records.remember(key, session.id, session.expiresAt);
    this.useSession(session, []);
  }

  /** Takes over an earlier session of this file; false when it cannot be used any more. */
  private async adopt(uploadId: string): Promise<boolean> {
    let state: UploadState;
    try {
      state = await this.api.state(uploadId);
    } catch (error) {
      const problem = asProblem(error);
      if (problem.code !== "upload.not_found") {
        throw problem;
      }
      this.records.forget(fingerprint(this.file));
      return false;
    }
    const sameFile = state.sizeBytes === this.file.size;
    if (sameFile && state.status === "completed") {
      this.result = state; // `start` goes to "completed"
      this.resumedParts = state.partCount;
      this.session = null;
      this.parts = [];
      return true;
    }
    if (!sameFile || state.status !== "pending" || Date.parse(state.expiresAt) <= Date.now()) {
      this.records.forget(fingerprint(this.file));
      return false;
    }
    this.useSession(await this.api.partUrls(uploadId), state.receivedParts);
    this.resumedParts = state.receivedParts.length;
    return true;
  }

  private useSession(
    session: UploadSession,
    received: readonly { partNumber: number; etag: string }[],
  ): void {
    const etags = new Map(received.map((part) => [part.partNumber, part.etag]));
    this.session = session;
    this.urls = new Map(session.parts.map((part) => [part.partNumber, part.url]));
    this.parts = session.parts.map((part) => {
      const etag = etags.get(part.partNumber) ?? null;
      return {
        number: part.partNumber,
        size: part.sizeBytes,
        sentBytes: etag === null ? 0 : part.sizeBytes,
        status: etag === null ? "waiting" : "sent",
        attempts: 0,
        problem: null,
        etag,
      };
    });
  }

  /** A session created (or adopted) while a cancel was under way: abort it too, if it can be. */
  private async dropLateSession(): Promise<void> {
    const session = this.session;
    if (session === null || this.phase !== "cancelled") {
      return;
    }
    this.records.forget(fingerprint(this.file));
    await this.api.abort(session.id).catch(() => undefined); // else it expires on its own
  }

  /** Sends every waiting part, then completes the upload if all of them made it. */
  private async send(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.set("uploading");
    const workers = Array.from({ length: this.concurrency }, () => this.work(controller.signal));
    const running = Promise.all(workers).then(() => undefined);
    this.sending = running;
    await running;
    if (this.sending === running) {
      this.sending = null;
    }
    if (controller.signal.aborted) {
      return; // paused, cancelled, or a fatal problem already said why
    }
    if (this.parts.some((part) => part.status === "failed")) {
      this.set("failed", this.parts.find((part) => part.problem)?.problem ?? null);
      return;
    }
    await this.complete();
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (;;) {
      const part = this.parts.find((candidate) => candidate.status === "waiting");
      if (part === undefined || aborted(signal)) {
        return;
      }
      part.status = "sending";
      this.changed();
      await this.sendWithRetries(part, signal);
    }
  }

  private async sendWithRetries(part: Part, signal: AbortSignal): Promise<void> {
    const start = (part.number - 1) * (this.session?.partSize ?? 0);
    const body = this.file.slice(start, start + part.size);
    for (;;) {
      if (aborted(signal)) {
        return; // paused while waiting to retry
      }
      part.attempts += 1;
      try {
        const etag = await this.sendPart(
          this.urls.get(part.number) ?? "",
          body,
          (sentBytes) => {
            if (!aborted(signal)) {
              part.sentBytes = Math.min(sentBytes, part.size);
              this.changed();
            }
          },
          signal,
        );
        if (aborted(signal)) {
          return;
        }
        Object.assign(part, {
          etag,
          status: "sent",
          sentBytes: part.size,
          problem: null,
        });
        this.changed();
        return;
      } catch (error) {
        if (aborted(signal)) {
          return;
        }
        const problem = asProblem(error);
        part.sentBytes = 0;
        if (SESSION_OVER.has(problem.code)) {
          this.fail(problem);
          return;
        }
        if (part.attempts >= this.maxAttempts) {
          Object.assign(part, { status: "failed", problem });
          this.changed();
          return;
        }
        part.problem = problem;
        this.changed();
        if (problem.status === 403) {
          await this.refreshUrls();
        }
        await sleep(this.retryDelayMs * 2 ** (part.attempts - 1), signal);
      }
    }
  }

  /** Part URLs expire: one request for fresh ones, however many parts noticed. */
  private refreshUrls(): Promise<void> {
    const uploadId = this.session?.id;
    if (uploadId === undefined) {
      return Promise.resolve();
    }
    this.refreshingUrls ??= this.api
      .partUrls(uploadId)
      .then((session) => {
        this.urls = new Map(session.parts.map((part) => [part.partNumber, part.url]));
      })
      .catch(() => undefined) // the retry that follows reports what is wrong
      .finally(() => {
        this.refreshingUrls = null;
      });
    return this.refreshingUrls;
  }

  private async complete(): Promise<void> {
    const session = this.session;
    if (session === null) {
      return;
    }
    this.set("completing");
    try {
      const parts = this.parts.map((part) => ({
        partNumber: part.number,
        etag: part.etag ?? "",
      }));
      this.result = await this.api.complete(session.id, parts);
      this.set("completed");
    } catch (error) {
      this.fail(asProblem(error));
    }
  }

  private fail(problem: ApiProblem): void {
    this.controller.abort();
    if (FORGET_SESSION.has(problem.code)) {
      this.records.forget(fingerprint(this.file));
    }
    this.set("error", problem);
  }

  /** A call, for the same reason as `aborted`: `cancel` may change the phase during an await. */
  private currentPhase(): UploadPhase {
    return this.phase;
  }

  private set(phase: UploadPhase, problem: ApiProblem | null = null): void {
    this.phase = phase;
    this.problem = problem;
    this.changed();
  }

  private changed(): void {
    this.current = this.build();
    for (const listener of this.listeners) {
      listener();
    }
  }

  private build(): UploadSnapshot {
    const parts = this.parts.map(
      ({ number, size, sentBytes, status, attempts, problem }): PartProgress => ({
        number,
        size,
        sentBytes,
        status,
        attempts,
        problem,
      }),
    );
    const completed = this.phase === "completed";
    return {
      phase: this.phase,
      uploadId: this.session?.id ?? this.result?.id ?? null,
      totalBytes: this.file.size,
      sentBytes: completed ? this.file.size : parts.reduce((sum, part) => sum + part.sentBytes, 0),
      parts,
      resumedParts: this.resumedParts,
      problem: this.problem,
      result: this.result,
    };
  }
}
