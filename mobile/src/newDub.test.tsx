/**
 * The new dub screen through its real route: a picked video goes up in parts through the real
 * upload code (`ChunkedUpload`, the disk transport), the languages and presets come from the API,
 * a wrong choice is refused before anything is sent, and the job is created with what was chosen.
 * What is native stands in at its JavaScript boundary: the system's picker, the read of a byte
 * range from disk, the resume file and React Native's XMLHttpRequest (the transport over real
 * HTTP and a real file is `upload/diskUpload.test.ts`).
 */
import type { UploadSession } from "@dubflow/shared";
import { job, LANGUAGES, PRESETS } from "@dubflow/shared/src/testing/fixtures";
import { fireEvent, screen, waitFor } from "@testing-library/react-native";

import { fakeApi, renderApp, SERVER, signedIn } from "./test/app";

const SIZE = 10;

jest.mock("expo-document-picker", () => ({
  getDocumentAsync: () =>
    Promise.resolve({
      canceled: false,
      assets: [
        {
          uri: "file:///videos/talk.mp4",
          name: "talk.mp4",
          size: 10,
          mimeType: "video/mp4",
          lastModified: 1,
        },
      ],
    }),
}));

// `mock…`: jest lets its hoisted module factories read it.
const mockRead: { uri: string; start: number; end: number }[] = [];
jest.mock("./upload/readRange", () => ({
  readRangeWithExpo: (range: { uri: string; start: number; end: number }) => {
    mockRead.push(range);
    return new Uint8Array(range.end - range.start);
  },
}));

jest.mock("./upload/resumeStore", () => {
  const entries = new Map<string, string>();
  return {
    fileKeyValueStore: () => ({
      getItem: (key: string) => entries.get(key) ?? null,
      setItem: (key: string, value: string) => void entries.set(key, value),
    }),
  };
});

const mockSent: { url: string; bytes: number }[] = [];
jest.mock("@dubflow/shared", () => ({
  ...jest.requireActual<object>("@dubflow/shared"),
  sendPartWithXhr: (url: string, body: ArrayBuffer) => {
    mockSent.push({ url, bytes: body.byteLength });
    return Promise.resolve(`"etag-${url.slice(-1)}"`);
  },
}));

function session(): UploadSession {
  return {
    id: "U1",
    status: "pending",
    filename: "talk.mp4",
    sizeBytes: SIZE,
    partSize: 5,
    partCount: 2,
    parts: [1, 2].map((n) => ({ partNumber: n, url: `https://parts/U1/${n}`, sizeBytes: 5 })),
    expiresAt: "2999-01-01T00:00:00Z",
  };
}

function server() {
  return fakeApi()
    .on("GET", "/v1/jobs", { body: { items: [], nextCursor: null } })
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/presets", { body: PRESETS })
    .on("POST", "/v1/uploads", { status: 201, body: session() })
    .on("GET", "/v1/uploads/:id/parts", { body: session() })
    .on("POST", "/v1/uploads/:id/complete", {
      body: {
        ...session(),
        status: "completed",
        receivedParts: [],
        missingParts: [],
        errorCode: null,
        media: {
          durationSeconds: 9,
          videoCodec: "h264",
          audioCodec: "aac",
          width: 320,
          height: 180,
        },
      },
    })
    .on("POST", "/v1/jobs", { status: 201, body: job({ id: "J7", status: "queued" }) })
    .on("GET", "/v1/jobs/:id", { body: job({ id: "J7", status: "queued" }) })
    .on("GET", "/v1/jobs/:id/quality", { body: { jobId: "J7", languages: [] } });
}

beforeEach(() => {
  mockRead.length = 0;
  mockSent.length = 0;
});

describe("a new dub", () => {
  it("uploads the picked video in parts, then starts the job with the languages chosen", async () => {
    signedIn();
    const api = server();
    renderApp("/new");

    fireEvent.press(await screen.findByRole("button", { name: "Pick a video" }));
    expect(await screen.findByLabelText("Upload completed, 100%")).toBeOnTheScreen();
    // Each part read from the file only when it went, by its own byte range.
    expect(mockRead).toEqual([
      { uri: "file:///videos/talk.mp4", start: 0, end: 5 },
      { uri: "file:///videos/talk.mp4", start: 5, end: 10 },
    ]);
    expect(mockSent).toEqual([
      { url: "https://parts/U1/1", bytes: 5 },
      { url: "https://parts/U1/2", bytes: 5 },
    ]);
    const completed: unknown = await api.calls("POST", "/v1/uploads/U1/complete")[0]?.json();
    expect(completed).toEqual({
      parts: [
        { partNumber: 1, etag: '"etag-1"' },
        { partNumber: 2, etag: '"etag-2"' },
      ],
    });

    // No target yet: refused on the screen, nothing sent.
    fireEvent.press(screen.getByRole("button", { name: "Start dubbing" }));
    expect(await screen.findByText(/at least one/i)).toBeOnTheScreen();
    expect(api.calls("POST", "/v1/jobs")).toHaveLength(0);

    fireEvent.press(screen.getByRole("button", { name: "en" }));
    fireEvent.press(screen.getByRole("button", { name: /^Spanish/ }));
    fireEvent.press(screen.getByRole("button", { name: "es: tight" }));
    fireEvent.press(screen.getByRole("button", { name: "Start dubbing" }));

    await waitFor(() => expect(api.calls("POST", "/v1/jobs")).toHaveLength(1));
    const request = api.calls("POST", "/v1/jobs")[0];
    expect(await request?.json()).toEqual({
      uploadId: "U1",
      sourceLanguage: "en",
      targets: [{ language: "es", preset: "tight" }],
    });
    expect(request?.headers.get("Idempotency-Key")).toMatch(/^job-/);
    expect(request?.url.startsWith(SERVER)).toBe(true);
    expect(await screen.findByText(/Job J7/)).toBeOnTheScreen();
  });
});
