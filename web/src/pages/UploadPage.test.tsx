import {
  fingerprint,
  sendPartWithXhr,
  type UploadSession,
  type UploadState,
} from "@dubflow/shared";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi, problem } from "../test/fakeApi";
import { job, LANGUAGES, PRESETS } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

// The browser transport of parts (XMLHttpRequest) is the boundary: parts "arrive" at once.
vi.mock("@dubflow/shared", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@dubflow/shared")>()),
  sendPartWithXhr: vi.fn((url: string) => Promise.resolve(`"etag-${url.slice(-1)}"`)),
}));

const VIDEO = new File([new Uint8Array(10)], "talk.mp4", { type: "video/mp4", lastModified: 1 });

function session(id: string): UploadSession {
  return {
    id,
    status: "pending",
    filename: "talk.mp4",
    sizeBytes: 10,
    partSize: 5,
    partCount: 2,
    parts: [1, 2].map((n) => ({ partNumber: n, url: `https://parts/${id}/${n}`, sizeBytes: 5 })),
    expiresAt: "2999-01-01T00:00:00Z",
  };
}

function uploadState(id: string, status: UploadState["status"], received: number[]): UploadState {
  return {
    ...session(id),
    status,
    receivedParts: received.map((n) => ({ partNumber: n, etag: `"server-${n}"`, sizeBytes: 5 })),
    missingParts: [1, 2].filter((n) => !received.includes(n)),
    errorCode: null,
    media:
      status === "completed"
        ? { durationSeconds: 9, videoCodec: "h264", audioCodec: "aac", width: 320, height: 180 }
        : null,
  };
}

function server() {
  return fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/presets", { body: PRESETS })
    .on("POST", "/v1/uploads", { status: 201, body: session("U1") })
    .on("GET", "/v1/uploads/:id/parts", (_, { id = "" }) => ({ body: session(id) }))
    .on("POST", "/v1/uploads/:id/complete", (_, { id = "" }) => ({
      body: uploadState(id, "completed", []),
    }))
    .on("POST", "/v1/jobs", { status: 201, body: job({ id: "J1", status: "queued" }) })
    .on("GET", "/v1/jobs/:id", { body: job({ id: "J1", status: "queued" }) });
}

async function pickVideo(container: HTMLElement) {
  const input = container.querySelector<HTMLInputElement>('input[type="file"]');
  if (input === null) {
    throw new Error("no file input");
  }
  await userEvent.upload(input, VIDEO);
}

async function choose(label: string | RegExp, option: string | RegExp) {
  await userEvent.click(await screen.findByRole("combobox", { name: label }));
  await userEvent.click(await screen.findByRole("option", { name: option }));
}

describe("the upload page", () => {
  it("uploads the video in parts, then creates the job with the languages chosen", async () => {
    const api = server();
    const { container, router } = renderApp("/upload");
    await screen.findByRole("combobox", { name: "Spoken language of the video" });

    await pickVideo(container);
    expect(await screen.findByText("Uploaded")).toBeInTheDocument();
    expect(screen.getByText(/9\.0 s · 320×180 · h264/)).toBeInTheDocument();
    expect(vi.mocked(sendPartWithXhr).mock.calls.map((call) => call[0])).toEqual([
      "https://parts/U1/1",
      "https://parts/U1/2",
    ]);

    await choose("Spoken language of the video", /^English/);
    await choose("Target language 1", /^Spanish/);
    await userEvent.click(screen.getByRole("button", { name: "Add a target language" }));
    await choose("Target language 2", /^Catalan/);
    await userEvent.click(screen.getByRole("button", { name: "Start dubbing" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/J1"));
    const [created] = api.calls("POST", "/v1/jobs");
    expect(await created?.json()).toEqual({
      uploadId: "U1",
      sourceLanguage: "en",
      targets: [
        { language: "es", preset: "default" },
        { language: "ca", preset: "default" },
      ],
    });
    expect(created?.headers.get("Idempotency-Key")).toMatch(/^job-[0-9a-f]{8}$/);
    expect(api.calls("POST", "/v1/uploads/U1/complete")).toHaveLength(1);
  });

  it("says which languages need a download on the server: a piper voice, NLLB-200", async () => {
    const catalan = { id: "ca_ES-upc_ona-medium", engine: "piper" as const };
    const languages = LANGUAGES.map((language) =>
      language.code === "ca" ? { ...language, voices: [...language.voices, catalan] } : language,
    );
    fakeApi()
      .on("GET", "/v1/languages", { body: languages })
      .on("GET", "/v1/presets", { body: PRESETS });
    renderApp("/upload");
    await choose("Spoken language of the video", /^English/);
    // German: no engine translates into it here.
    expect(
      screen.getByText(/need NLLB-200 on the server: `dubflow models download nllb`/),
    ).toBeInTheDocument();

    await choose("Target language 1", /^Spanish/);
    expect(
      screen.getByText(
        /Only espeak-ng \(robotic\) speaks Spanish on this server: .*`dubflow models download piper es_ES-davefx-medium`/,
      ),
    ).toBeInTheDocument();
    await choose("Target language 1", /^Catalan/);
    expect(screen.queryByText(/speaks .* on this server/)).not.toBeInTheDocument();
  });

  it("offers only languages the engines can reach, and says what is wrong before sending", async () => {
    const api = server();
    const { container } = renderApp("/upload");
    await choose("Spoken language of the video", /^English/);

    await userEvent.click(screen.getByRole("combobox", { name: "Target language 1" }));
    const listbox = await screen.findByRole("listbox");
    expect(
      within(listbox).getByRole("option", {
        name: /German .* no installed engine translates English into German/,
      }),
    ).toHaveAttribute("aria-disabled", "true");
    expect(
      within(listbox).getByRole("option", { name: /English .* it is the source language/ }),
    ).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(within(listbox).getByRole("option", { name: /^Spanish/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add a target language" }));
    await choose("Target language 2", /^Spanish/);

    expect(screen.getByRole("button", { name: "Start dubbing" })).toBeDisabled();
    expect(screen.getByText("Pick a video first.")).toBeInTheDocument();
    await pickVideo(container);
    await screen.findByText("Uploaded");
    await userEvent.click(screen.getByRole("button", { name: "Start dubbing" }));

    expect(screen.getByText("Spanish is chosen more than once.")).toBeInTheDocument();
    expect(api.calls("POST", "/v1/jobs")).toHaveLength(0);
  });

  it("shows what the API says when it refuses the job", async () => {
    server().on(
      "POST",
      "/v1/jobs",
      problem(422, "translation.unsupported_pair", "no engine en->es"),
    );
    const { container } = renderApp("/upload");
    await pickVideo(container);
    await screen.findByText("Uploaded");
    await choose("Target language 1", /^Spanish/);
    await userEvent.click(screen.getByRole("button", { name: "Start dubbing" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No installed engine translates between these two languages.");
    expect(alert).toHaveTextContent("no engine en->es (translation.unsupported_pair)");
  });

  it("after a reload, sends only the parts the server does not have yet", async () => {
    localStorage.setItem(
      "dubflow.uploads",
      JSON.stringify({
        [fingerprint(VIDEO)]: { uploadId: "U0", expiresAt: "2999-01-01T00:00:00Z" },
      }),
    );
    const api = server().on("GET", "/v1/uploads/:id", { body: uploadState("U0", "pending", [1]) });
    const { container } = renderApp("/upload");

    await pickVideo(container);

    expect(await screen.findByText("Uploaded")).toBeInTheDocument();
    expect(
      screen.getByText("Resumed: 1 of 2 parts were already on the server."),
    ).toBeInTheDocument();
    expect(vi.mocked(sendPartWithXhr).mock.calls.map((call) => call[0])).toEqual([
      "https://parts/U0/2",
    ]);
    expect(api.calls("POST", "/v1/uploads")).toHaveLength(0);
  });

  /** Parts that never arrive (until the page aborts them): the upload stays under way. */
  function holdParts() {
    const signals: AbortSignal[] = [];
    const hold = (_url: string, _body: unknown, _progress: unknown, signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((_, reject) => {
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    };
    vi.mocked(sendPartWithXhr).mockImplementationOnce(hold).mockImplementationOnce(hold);
    return signals;
  }

  it("cancels an upload under way, and is back to picking a file", async () => {
    const signals = holdParts();
    const api = server().on("DELETE", "/v1/uploads/:id", { status: 204 });
    const { container } = renderApp("/upload");
    await pickVideo(container);
    await screen.findByRole("button", { name: "Pause" });
    await waitFor(() => expect(signals).toHaveLength(2));
    expect(localStorage.getItem("dubflow.uploads")).toContain("U1");

    await userEvent.click(screen.getByRole("button", { name: "Cancel upload" }));

    await waitFor(() => expect(screen.queryByText("talk.mp4")).toBeNull());
    expect(api.calls("DELETE", "/v1/uploads/U1")).toHaveLength(1);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(screen.queryByRole("progressbar", { name: "Upload progress" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Cancel upload" })).toBeNull();
    expect(screen.getByText("Pick a video first.")).toBeInTheDocument();
    // The cancel button is gone; focus is on what comes next.
    expect(screen.getByLabelText("Video file")).toHaveFocus();
    expect(localStorage.getItem("dubflow.uploads")).not.toContain("U1");
    expect(sendPartWithXhr).toHaveBeenCalledTimes(2);
    expect(api.calls("POST", "/v1/uploads/U1/complete")).toHaveLength(0);
  });

  it("opens the file dialog from the keyboard", async () => {
    server();
    renderApp("/upload");
    const picker = await screen.findByLabelText("Video file");
    const openDialog = vi.spyOn(HTMLInputElement.prototype, "click");
    picker.focus();
    await userEvent.keyboard("{Enter}");
    expect(openDialog).toHaveBeenCalledTimes(1);
    expect(openDialog.mock.contexts[0]).toHaveProperty("type", "file");
  });

  it("pauses and resumes by keyboard, focus staying on the button that does both", async () => {
    const signals = holdParts();
    server();
    const { container } = renderApp("/upload");
    await pickVideo(container);
    await waitFor(() => expect(signals).toHaveLength(2));
    const pause = screen.getByRole("button", { name: "Pause" });
    pause.focus();
    await userEvent.keyboard("{Enter}");
    const resume = await screen.findByRole("button", { name: "Resume" });
    expect(resume).toHaveFocus();
    holdParts(); // the resumed parts stay under way too
    await userEvent.keyboard("{Enter}");
    expect(await screen.findByRole("button", { name: "Pause" })).toHaveFocus();
  });

  it("shows why an upload could not be cancelled, and does not look under way", async () => {
    holdParts();
    server().on(
      "DELETE",
      "/v1/uploads/:id",
      problem(409, "upload.already_completed", "this upload is already complete"),
    );
    const { container } = renderApp("/upload");
    await pickVideo(container);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel upload" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This upload is already complete.");
    expect(alert).toHaveTextContent("this upload is already complete (upload.already_completed)");
    expect(screen.getByText("Upload stopped")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).toBeNull();
    expect(screen.getByText("talk.mp4")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel upload" })).toBeEnabled();
  });

  it("does not offer to cancel an upload that is done", async () => {
    server();
    const { container } = renderApp("/upload");
    await pickVideo(container);
    await screen.findByText("Uploaded");
    expect(screen.queryByRole("button", { name: "Cancel upload" })).toBeNull();
  });

  it("explains a file the server cannot use", async () => {
    server().on(
      "POST",
      "/v1/uploads/:id/complete",
      problem(422, "upload.not_media", "no audio stream in talk.mp4"),
    );
    const { container } = renderApp("/upload");
    await pickVideo(container);

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This file is not a video with an audio track");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start dubbing" })).toBeDisabled();
  });
});
