import { ApiProblem } from "../problem";
import type { UploadSession, UploadState } from "../types";
import {
  ChunkedUpload,
  fingerprint,
  type ResumeRecords,
  type SendPart,
  type UploadApi,
  type UploadFile,
} from "./chunkedUpload";

const PART = 4;

function file(size = 10): UploadFile & File {
  const bytes = new Uint8Array(size).map((_, i) => i);
  return new File([bytes], "talk.mp4", {
    type: "video/mp4",
    lastModified: 1700000000000,
  });
}

function session(id: string, size: number, urlVersion = 1): UploadSession {
  const count = Math.ceil(size / PART);
  return {
    id,
    status: "pending",
    filename: "talk.mp4",
    sizeBytes: size,
    partSize: PART,
    partCount: count,
    parts: Array.from({ length: count }, (_, i) => ({
      partNumber: i + 1,
      url: `https://store/${id}/${i + 1}?v=${urlVersion}`,
      sizeBytes: Math.min(PART, size - i * PART),
    })),
    expiresAt: "2999-01-01T00:00:00Z",
  };
}

function state(
  id: string,
  size: number,
  status: UploadState["status"],
  received: number[] = [],
  expiresAt = "2999-01-01T00:00:00Z",
): UploadState {
  const count = Math.ceil(size / PART);
  return {
    id,
    status,
    filename: "talk.mp4",
    sizeBytes: size,
    partSize: PART,
    partCount: count,
    receivedParts: received.map((n) => ({
      partNumber: n,
      etag: `"server-${n}"`,
      sizeBytes: PART,
    })),
    missingParts: [],
    errorCode: null,
    media: null,
    expiresAt,
  };
}

/** An API that creates session "new" and completes whatever it is given. */
function fakeApi(overrides: Partial<UploadApi> = {}) {
  const api = {
    create: vi.fn((f: UploadFile) => Promise.resolve(session("new", f.size))),
    state: vi.fn((id: string) => Promise.resolve(state(id, 10, "pending"))),
    partUrls: vi.fn((id: string) => Promise.resolve(session(id, 10, 2))),
    complete: vi.fn((id: string) => Promise.resolve(state(id, 10, "completed"))),
    abort: vi.fn<(id: string) => Promise<void>>(() => Promise.resolve()),
    ...overrides,
  };
  return api;
}

function memoryRecords(
  initial: Record<string, string> = {},
): ResumeRecords & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    find: (key) => map.get(key) ?? null,
    remember: (key, id) => void map.set(key, id),
    forget: (key) => void map.delete(key),
  };
}

/** Sends succeed with ETag "etag-<part>" after reporting progress, unless `fail` says no. */
function fakeSender(fail: (url: string, attempt: number) => ApiProblem | null = () => null) {
  const sent: string[] = [];
  const attempts = new Map<string, number>();
  const send: SendPart = async (url, body, onProgress) => {
    const part = url.split("?")[0]?.split("/").pop() ?? "";
    const attempt = (attempts.get(part) ?? 0) + 1;
    attempts.set(part, attempt);
    sent.push(url);
    onProgress(body.size / 2);
    await Promise.resolve();
    const problem = fail(url, attempt);
    if (problem) {
      throw problem;
    }
    return `"etag-${part}"`;
  };
  return { send: vi.fn(send), sent };
}

function upload(f: UploadFile, api: UploadApi, sendPart: SendPart, records: ResumeRecords) {
  return new ChunkedUpload(f, {
    api,
    sendPart,
    records,
    concurrency: 2,
    retryDelayMs: 0,
  });
}

describe("a new upload", () => {
  it("sends every part, completes with their ETags and remembers the session", async () => {
    const api = fakeApi();
    const sender = fakeSender();
    const records = memoryRecords();
    const chunked = upload(file(), api, sender.send, records);
    const phases: string[] = [];
    chunked.subscribe(() => phases.push(chunked.snapshot().phase));

    await chunked.start();

    expect(api.create).toHaveBeenCalledOnce();
    expect(sender.sent.sort()).toEqual([
      "https://store/new/1?v=1",
      "https://store/new/2?v=1",
      "https://store/new/3?v=1",
    ]);
    expect(api.complete).toHaveBeenCalledWith("new", [
      { partNumber: 1, etag: '"etag-1"' },
      { partNumber: 2, etag: '"etag-2"' },
      { partNumber: 3, etag: '"etag-3"' },
    ]);
    const done = chunked.snapshot();
    expect(done.phase).toBe("completed");
    expect(done.sentBytes).toBe(10);
    expect(done.result?.status).toBe("completed");
    expect(records.map.get(fingerprint(file()))).toBe("new");
    expect(phases).toContain("uploading");
    expect(phases.at(-1)).toBe("completed");
  });

  it("reports bytes in flight as progress", async () => {
    let release: () => void = () => undefined;
    const held: SendPart = (_url, body, onProgress) => {
      onProgress(body.size / 2);
      return new Promise((resolve) => {
        release = () => resolve('"e"');
      });
    };
    const chunked = new ChunkedUpload(file(4), {
      api: fakeApi({ create: () => Promise.resolve(session("new", 4)) }),
      sendPart: held,
      records: memoryRecords(),
    });
    const started = chunked.start();
    await vi.waitFor(() => expect(chunked.snapshot().sentBytes).toBe(2));
    expect(chunked.snapshot().parts[0]?.status).toBe("sending");
    release();
    await started;
    expect(chunked.snapshot().sentBytes).toBe(4);
  });
});

describe("resuming after a reload", () => {
  it("asks which parts the server holds and sends only the missing ones", async () => {
    const api = fakeApi({
      state: vi.fn(() => Promise.resolve(state("old", 10, "pending", [1, 3]))),
    });
    const sender = fakeSender();
    const records = memoryRecords({ [fingerprint(file())]: "old" });
    const chunked = upload(file(), api, sender.send, records);

    await chunked.start();

    expect(api.create).not.toHaveBeenCalled();
    expect(api.state).toHaveBeenCalledWith("old");
    expect(api.partUrls).toHaveBeenCalledWith("old");
    expect(sender.sent).toEqual(["https://store/old/2?v=2"]);
    expect(api.complete).toHaveBeenCalledWith("old", [
      { partNumber: 1, etag: '"server-1"' },
      { partNumber: 2, etag: '"etag-2"' },
      { partNumber: 3, etag: '"server-3"' },
    ]);
    expect(chunked.snapshot().resumedParts).toBe(2);
    expect(chunked.snapshot().phase).toBe("completed");
  });

  it("does not send a file whose upload already completed", async () => {
    const api = fakeApi({
      state: vi.fn(() => Promise.resolve(state("old", 10, "completed"))),
    });
    const sender = fakeSender();
    const chunked = upload(
      file(),
      api,
      sender.send,
      memoryRecords({ [fingerprint(file())]: "old" }),
    );

    await chunked.start();

    expect(sender.send).not.toHaveBeenCalled();
    expect(api.complete).not.toHaveBeenCalled();
    expect(chunked.snapshot()).toMatchObject({
      phase: "completed",
      uploadId: "old",
      sentBytes: 10,
    });
  });

  it.each([
    ["gone", () => Promise.reject(new ApiProblem("upload.not_found", 404, "no upload"))],
    ["aborted", () => Promise.resolve(state("old", 10, "aborted"))],
    ["expired", () => Promise.resolve(state("old", 10, "pending", [1], "2000-01-01T00:00:00Z"))],
    ["for another size", () => Promise.resolve(state("old", 99, "pending", [1]))],
  ])("starts a new session when the earlier one is %s", async (_, earlier) => {
    const api = fakeApi({ state: vi.fn(earlier) });
    const records = memoryRecords({ [fingerprint(file())]: "old" });
    const chunked = upload(file(), api, fakeSender().send, records);

    await chunked.start();

    expect(api.create).toHaveBeenCalledOnce();
    expect(records.map.get(fingerprint(file()))).toBe("new");
    expect(chunked.snapshot()).toMatchObject({
      phase: "completed",
      uploadId: "new",
      resumedParts: 0,
    });
  });

  it("stops with the problem when the server cannot be asked", async () => {
    const unreachable = new ApiProblem("network.unreachable", 0, "offline");
    const api = fakeApi({ state: vi.fn(() => Promise.reject(unreachable)) });
    const records = memoryRecords({ [fingerprint(file())]: "old" });
    const chunked = upload(file(), api, fakeSender().send, records);

    await chunked.start();

    expect(chunked.snapshot()).toMatchObject({
      phase: "error",
      problem: unreachable,
    });
    expect(api.create).not.toHaveBeenCalled();
    expect(records.map.get(fingerprint(file()))).toBe("old"); // still resumable later
  });
});

describe("pause and resume", () => {
  it("aborts the parts in flight and sends them again on resume", async () => {
    const signals: AbortSignal[] = [];
    let sendNormally = false;
    const sender: SendPart = (url, _body, _progress, signal) => {
      signals.push(signal);
      if (sendNormally) {
        return Promise.resolve(`"etag-${url.split("?")[0]?.split("/").pop() ?? ""}"`);
      }
      return new Promise((_, reject) => {
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    };
    const api = fakeApi();
    const chunked = upload(file(), api, sender, memoryRecords());

    const started = chunked.start();
    await vi.waitFor(() => expect(signals).toHaveLength(2)); // concurrency 2
    chunked.pause();
    await started;

    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(chunked.snapshot().phase).toBe("paused");
    expect(chunked.snapshot().parts.map((part) => part.status)).toEqual([
      "waiting",
      "waiting",
      "waiting",
    ]);
    expect(api.complete).not.toHaveBeenCalled();

    sendNormally = true;
    await chunked.resume();

    expect(chunked.snapshot().phase).toBe("completed");
    expect(api.complete).toHaveBeenCalledOnce();
  });
});

/** A sender whose parts never arrive: each waits until its signal aborts it. */
function hangingSender() {
  const signals: AbortSignal[] = [];
  const send: SendPart = (_url, _body, _progress, signal) => {
    signals.push(signal);
    return new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    });
  };
  return { send: vi.fn(send), signals };
}

/** An upload of `file()` whose first two parts are in flight, unanswered until aborted. */
async function uploadInFlight(api: ReturnType<typeof fakeApi>) {
  const sender = hangingSender();
  const records = memoryRecords();
  const chunked = upload(file(), api, sender.send, records);
  const started = chunked.start();
  await vi.waitFor(() => expect(sender.signals).toHaveLength(2)); // concurrency 2 of 3 parts
  return { chunked, sender, records, started };
}

describe("cancel", () => {
  it("aborts the parts in flight and the session, forgets it and sends nothing more", async () => {
    const api = fakeApi();
    const sender = hangingSender();
    const records = memoryRecords();
    const chunked = upload(file(), api, sender.send, records);
    const phases: string[] = [];
    chunked.subscribe(() => phases.push(chunked.snapshot().phase));

    const started = chunked.start();
    await vi.waitFor(() => expect(sender.signals).toHaveLength(2)); // concurrency 2 of 3 parts
    expect(records.map.get(fingerprint(file()))).toBe("new");
    await chunked.cancel();
    await started;

    expect(sender.signals.every((signal) => signal.aborted)).toBe(true);
    expect(api.abort).toHaveBeenCalledExactlyOnceWith("new");
    expect(records.map.has(fingerprint(file()))).toBe(false);
    expect(chunked.snapshot()).toMatchObject({
      phase: "cancelled",
      problem: null,
    });
    expect(phases.slice(-2)).toEqual(["cancelling", "cancelled"]);

    await chunked.resume();
    await chunked.retryFailed();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sender.send).toHaveBeenCalledTimes(2); // part 3 never went
    expect(api.complete).not.toHaveBeenCalled();
    expect(chunked.snapshot().phase).toBe("cancelled");
  });

  it("asks the API to abort only once the parts in flight have settled", async () => {
    const events: string[] = [];
    const slowToStop: SendPart = (url, _body, _progress, signal) =>
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => {
          setTimeout(() => {
            events.push(`settled ${url}`);
            reject(new DOMException("aborted", "AbortError"));
          }, 5);
        });
      });
    const api = fakeApi({
      abort: vi.fn(() => {
        events.push("abort");
        return Promise.resolve();
      }),
    });
    const chunked = upload(file(), api, slowToStop, memoryRecords());
    const started = chunked.start();
    await vi.waitFor(() => expect(chunked.snapshot().parts[1]?.status).toBe("sending"));

    await chunked.cancel();
    await started;

    expect(events).toEqual([
      "settled https://store/new/1?v=1",
      "settled https://store/new/2?v=1",
      "abort",
    ]);
  });

  it("cancels a paused upload", async () => {
    const api = fakeApi();
    const sender = hangingSender();
    const chunked = upload(file(), api, sender.send, memoryRecords());
    const started = chunked.start();
    await vi.waitFor(() => expect(sender.signals).toHaveLength(2));
    chunked.pause();
    await started;

    await chunked.cancel();

    expect(api.abort).toHaveBeenCalledExactlyOnceWith("new");
    expect(chunked.snapshot().phase).toBe("cancelled");
  });

  it("just stops before the session exists, and drops one created meanwhile", async () => {
    let created: (session: UploadSession) => void = () => undefined;
    const api = fakeApi({
      create: vi.fn(
        () =>
          new Promise<UploadSession>((resolve) => {
            created = resolve;
          }),
      ),
    });
    const sender = hangingSender();
    const records = memoryRecords();
    const chunked = upload(file(), api, sender.send, records);

    const started = chunked.start();
    await vi.waitFor(() => expect(api.create).toHaveBeenCalledOnce());
    expect(chunked.snapshot().phase).toBe("preparing");
    await chunked.cancel();

    expect(chunked.snapshot()).toMatchObject({
      phase: "cancelled",
      uploadId: null,
    });
    expect(api.abort).not.toHaveBeenCalled();

    created(session("late", 10));
    await started;

    expect(sender.send).not.toHaveBeenCalled();
    expect(api.abort).toHaveBeenCalledExactlyOnceWith("late");
    expect(records.map.size).toBe(0);
    expect(chunked.snapshot().phase).toBe("cancelled");
  });

  it("stays cancelled when preparing fails after the cancel", async () => {
    let refuse: (error: unknown) => void = () => undefined;
    const api = fakeApi({
      create: vi.fn(
        () =>
          new Promise<UploadSession>((_, reject) => {
            refuse = reject;
          }),
      ),
    });
    const chunked = upload(file(), api, hangingSender().send, memoryRecords());

    const started = chunked.start();
    await vi.waitFor(() => expect(api.create).toHaveBeenCalledOnce());
    await chunked.cancel();
    refuse(new ApiProblem("network.unreachable", 0, "offline"));
    await started;

    expect(chunked.snapshot()).toMatchObject({
      phase: "cancelled",
      problem: null,
    });
  });

  it("shows the problem when the API cannot abort, keeps the session and can try again", async () => {
    const unreachable = new ApiProblem("network.unreachable", 0, "offline");
    const abort = vi
      .fn<(id: string) => Promise<void>>()
      .mockRejectedValueOnce(unreachable)
      .mockResolvedValueOnce(undefined);
    const { chunked, sender, records, started } = await uploadInFlight(fakeApi({ abort }));
    await chunked.cancel();
    await started;

    expect(chunked.snapshot()).toMatchObject({
      phase: "error",
      problem: unreachable,
    });
    expect(sender.signals.every((signal) => signal.aborted)).toBe(true);
    expect(chunked.snapshot().parts.some((part) => part.status === "sending")).toBe(false);
    expect(records.map.get(fingerprint(file()))).toBe("new"); // still resumable

    await chunked.cancel();

    expect(abort).toHaveBeenCalledTimes(2);
    expect(chunked.snapshot()).toMatchObject({
      phase: "cancelled",
      problem: null,
    });
    expect(records.map.size).toBe(0);
    expect(sender.send).toHaveBeenCalledTimes(2);
  });

  it.each(["upload.expired", "upload.aborted", "upload.not_found"])(
    "counts an abort answered %s as done",
    async (code) => {
      const api = fakeApi({
        abort: vi.fn(() => Promise.reject(new ApiProblem(code, 409, code))),
      });
      const { chunked, records, started } = await uploadInFlight(api);

      await chunked.cancel();
      await started;

      expect(chunked.snapshot()).toMatchObject({
        phase: "cancelled",
        problem: null,
      });
      expect(records.map.size).toBe(0);
    },
  );

  it("does nothing to a completed upload", async () => {
    const api = fakeApi();
    const records = memoryRecords();
    const chunked = upload(file(), api, fakeSender().send, records);
    await chunked.start();

    await chunked.cancel();

    expect(api.abort).not.toHaveBeenCalled();
    expect(chunked.snapshot().phase).toBe("completed");
    expect(records.map.get(fingerprint(file()))).toBe("new");
  });
});

describe("failed parts", () => {
  it("retries a part that fails, then goes on", async () => {
    const sender = fakeSender((url, attempt) =>
      url.includes("/2?") && attempt === 1 ? new ApiProblem("http.502", 502, "bad gateway") : null,
    );
    const chunked = upload(file(), fakeApi(), sender.send, memoryRecords());

    await chunked.start();

    expect(chunked.snapshot().phase).toBe("completed");
    expect(chunked.snapshot().parts[1]?.attempts).toBe(2);
  });

  it("leaves a part failed after every attempt, and sends it again when asked", async () => {
    let network = false;
    const sender = fakeSender((url) =>
      url.includes("/3?") && !network ? new ApiProblem("network.unreachable", 0, "offline") : null,
    );
    const api = fakeApi();
    const chunked = upload(file(), api, sender.send, memoryRecords());

    await chunked.start();

    const failed = chunked.snapshot();
    expect(failed.phase).toBe("failed");
    expect(failed.problem?.code).toBe("network.unreachable");
    expect(failed.parts.map((part) => part.status)).toEqual(["sent", "sent", "failed"]);
    expect(failed.parts[2]?.attempts).toBe(3);
    expect(api.complete).not.toHaveBeenCalled();

    network = true;
    await chunked.retryFailed();

    expect(chunked.snapshot().phase).toBe("completed");
    expect(sender.sent.filter((url) => url.includes("/1?"))).toHaveLength(1); // not sent again
  });

  it("fetches fresh part URLs when one has expired", async () => {
    const sender = fakeSender((url) =>
      url.endsWith("v=1") && url.includes("/2?")
        ? new ApiProblem("url.expired", 403, "expired")
        : null,
    );
    const api = fakeApi();
    const chunked = upload(file(), api, sender.send, memoryRecords());

    await chunked.start();

    expect(api.partUrls).toHaveBeenCalledWith("new");
    expect(sender.sent).toContain("https://store/new/2?v=2");
    expect(chunked.snapshot().phase).toBe("completed");
  });

  it("stops at once when the session is over, and forgets it", async () => {
    const sender = fakeSender(() => new ApiProblem("upload.expired", 410, "expired"));
    const records = memoryRecords();
    const chunked = upload(file(), fakeApi(), sender.send, records);

    await chunked.start();

    expect(chunked.snapshot()).toMatchObject({
      phase: "error",
      problem: { code: "upload.expired" },
    });
    expect(sender.sent.length).toBeLessThanOrEqual(2); // no retries, no further parts
    expect(records.map.size).toBe(0);
  });

  it("reports a file the server rejects as not media, and forgets its session", async () => {
    const notMedia = new ApiProblem("upload.not_media", 422, "no audio stream");
    const records = memoryRecords();
    const api = fakeApi({ complete: vi.fn(() => Promise.reject(notMedia)) });
    const chunked = upload(file(), api, fakeSender().send, records);

    await chunked.start();

    expect(chunked.snapshot()).toMatchObject({
      phase: "error",
      problem: notMedia,
    });
    expect(records.map.size).toBe(0);
  });
});
