/**
 * @jest-environment node
 *
 * The mobile transport with a real file on disk and real HTTP: parts are read by byte range with
 * Node's `fs` (where the app uses expo-file-system's file handle) and PUT by the shared XMLHttpRequest
 * part sender (over `NodeXhr`: Node's `http` in React Native's place) to a local part store that
 * keeps what arrives, all driven by the shared `ChunkedUpload` state machine.
 */
import {
  ChunkedUpload,
  type KeyValueStore,
  storageResumeRecords,
  type UploadApi,
  type UploadSession,
} from "@dubflow/shared";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { NodeXhr } from "../test/nodeXhr";
import { type DiskRange, diskFile, type PickedFile, sendPartFromDisk } from "./diskUpload";

const PART = 64 * 1024;

/** Reads only the range (what `readRangeWithExpo` does with a file handle). */
function readRangeWithNode(range: DiskRange): Uint8Array {
  const fd = openSync(range.uri.replace(/^file:\/\//, ""), "r");
  try {
    const bytes = new Uint8Array(range.end - range.start);
    readSync(fd, bytes, 0, bytes.length, range.start);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

interface PartStore {
  server: Server;
  base: string;
  parts: Map<number, Buffer>;
  /** Part numbers whose PUT is held until released (to pause mid-upload). */
  held: Set<number>;
}

/** A part store like the signed-URL side of S3: PUT a part, get its ETag. */
async function partStore(): Promise<PartStore> {
  const parts = new Map<number, Buffer>();
  const held = new Set<number>();
  const server = createServer((request, response) => {
    const number = Number(new URL(request.url ?? "/", "http://store").searchParams.get("part"));
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (held.has(number)) {
        return; // never answered: the client aborts it
      }
      parts.set(number, Buffer.concat(chunks));
      response.setHeader("ETag", `"etag-${number}"`);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, parts, held };
}

function sessionFor(store: PartStore, size: number): UploadSession {
  const count = Math.ceil(size / PART);
  return {
    id: "U1",
    status: "pending",
    filename: "talk.mp4",
    sizeBytes: size,
    partSize: PART,
    partCount: count,
    parts: Array.from({ length: count }, (_, i) => ({
      partNumber: i + 1,
      url: `${store.base}/U1?part=${i + 1}`,
      sizeBytes: Math.min(PART, size - i * PART),
    })),
    expiresAt: "2999-01-01T00:00:00Z",
  };
}

function uploadApi(store: PartStore, size: number): UploadApi & { completed: unknown[] } {
  const session = sessionFor(store, size);
  const completed: unknown[] = [];
  const state = (status: "pending" | "completed") => ({
    ...session,
    status,
    receivedParts: [...store.parts.keys()].map((partNumber) => ({
      partNumber,
      etag: `"etag-${partNumber}"`,
      sizeBytes: store.parts.get(partNumber)?.length ?? 0,
    })),
    missingParts: [],
    errorCode: null,
    media: null,
  });
  return {
    completed,
    create: () => Promise.resolve(session),
    state: () => Promise.resolve(state("pending")),
    partUrls: () => Promise.resolve(session),
    complete: (_id, parts) => {
      completed.push(parts);
      return Promise.resolve(state("completed"));
    },
    abort: () => Promise.resolve(),
  };
}

function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 10));
    check();
  });
}

describe("the upload from a file on disk", () => {
  let store: PartStore;
  let picked: PickedFile;
  let bytes: Buffer;

  beforeAll(() => {
    (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = NodeXhr;
  });

  beforeEach(async () => {
    store = await partStore();
    // The repository's real speech sample, padded to several parts.
    const sample = readFileSync(join(__dirname, "..", "..", "..", "media", "multilingual.mp3"));
    bytes = sample.subarray(0, Math.min(sample.length, PART * 3 + 1234));
    const path = join(mkdtempSync(join(tmpdir(), "dubflow-mobile-")), "talk.mp4");
    writeFileSync(path, bytes);
    picked = {
      uri: `file://${path}`,
      name: "talk.mp4",
      size: bytes.length,
      mimeType: "video/mp4",
      lastModified: 1,
    };
  });

  afterEach(() => {
    store.server.closeAllConnections();
    store.server.close();
  });

  it("sends every byte range of the file, in parts, and completes with their ETags", async () => {
    const api = uploadApi(store, bytes.length);
    const upload = new ChunkedUpload(diskFile(picked), {
      api,
      sendPart: sendPartFromDisk(readRangeWithNode),
      records: storageResumeRecords(memoryStore()),
    });
    await upload.start();

    expect(upload.snapshot().phase).toBe("completed");
    expect(upload.snapshot().sentBytes).toBe(bytes.length);
    const received = Buffer.concat(
      [...store.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part),
    );
    expect(received.equals(bytes)).toBe(true);
    expect(api.completed[0]).toEqual(
      Array.from({ length: Math.ceil(bytes.length / PART) }, (_, i) => ({
        partNumber: i + 1,
        etag: `"etag-${i + 1}"`,
      })),
    );
  });

  it("pauses, and after the app is killed resumes from the records with only the missing parts", async () => {
    const records = memoryStore();
    store.held.add(2);
    const first = new ChunkedUpload(diskFile(picked), {
      api: uploadApi(store, bytes.length),
      sendPart: sendPartFromDisk(readRangeWithNode),
      records: storageResumeRecords(records),
      concurrency: 1,
    });
    void first.start();
    await until(() => first.snapshot().parts[1]?.status === "sending");
    first.pause();
    expect(first.snapshot().phase).toBe("paused");
    expect([...store.parts.keys()]).toEqual([1]);

    // A new process: a new upload of the same file finds the session in the records.
    store.held.clear();
    const sentBefore = store.parts.size;
    const second = new ChunkedUpload(diskFile(picked), {
      api: uploadApi(store, bytes.length),
      sendPart: sendPartFromDisk(readRangeWithNode),
      records: storageResumeRecords(records),
    });
    await second.start();
    expect(second.snapshot().phase).toBe("completed");
    expect(second.snapshot().resumedParts).toBe(sentBefore);
    const received = Buffer.concat(
      [...store.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part),
    );
    expect(received.equals(bytes)).toBe(true);
  });
});
