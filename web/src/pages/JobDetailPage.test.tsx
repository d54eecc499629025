import type { Job, LogLine } from "@dubflow/shared";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../test/fakeApi";
import {
  job,
  language,
  LANGUAGES,
  me,
  PRESETS,
  quality,
  stage,
} from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

function failedJob(): Job {
  const spanish = language("es", "succeeded");
  spanish.status = "failed";
  spanish.outputs = null;
  spanish.stages[1] = stage("dubbed_speech", "failed", {
    attempt: 2,
    errorCode: "tts.failed",
    errorMessage: "espeak-ng exited with 1",
    history: [
      {
        attempt: 1,
        runId: "run-1",
        worker: "host:101",
        status: "retrying",
        startedAt: "2026-05-01T10:00:00Z",
        finishedAt: "2026-05-01T10:00:01Z",
        durationSeconds: 1,
        waitSeconds: null,
        errorCode: "tts.timeout",
        errorMessage: "timed out",
      },
      {
        attempt: 2,
        runId: "run-1",
        worker: "host:101",
        status: "failed",
        startedAt: "2026-05-01T10:00:05Z",
        finishedAt: "2026-05-01T10:00:06Z",
        durationSeconds: 1,
        waitSeconds: 4,
        errorCode: "tts.failed",
        errorMessage: "espeak-ng exited with 1",
      },
    ],
  });
  return job({
    status: "failed",
    errorCode: "tts.failed",
    errorMessage: "espeak-ng exited with 1",
    languages: [spanish, language("ca", "succeeded")],
  });
}

function line(event: string, stageName: LogLine["stage"]): LogLine {
  return {
    timestamp: "2026-05-01T10:00:00Z",
    level: "info",
    event,
    stage: stageName,
    language: "es",
    runId: "run-1",
    attempt: 1,
    durationMs: 1200,
    fields: { segments: 4 },
  };
}

function server(current: () => Job) {
  return fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/presets", { body: PRESETS })
    .on("GET", "/v1/jobs/J1", () => ({ body: current() }))
    .on("GET", "/v1/jobs/J1/logs", (request) => {
      const query = new URL(request.url).searchParams;
      if (query.get("cursor") === "more") {
        return { body: { items: [line("stage.finished", "subtitles")], nextCursor: null } };
      }
      const items = [line("stage.started", "translation"), line("stage.finished", "translation")];
      return {
        body: {
          items: query.get("stage")
            ? items.filter((item) => item.stage === query.get("stage"))
            : items,
          nextCursor: query.get("stage") ? null : "more",
        },
      };
    });
}

describe("the job detail page", () => {
  it("shows each stage per language: status, attempts with their history, errors", async () => {
    server(failedJob);
    renderApp("/jobs/J1");

    const spanish = await screen.findByRole("table", { name: "Stages of es" });
    const speech = within(spanish)
      .getAllByRole("row")
      .find((row) => row.dataset.stage === "dubbed_speech");
    expect(speech).toHaveTextContent("failed");
    expect(speech).toHaveTextContent("tts.failed espeak-ng exited with 1");
    await userEvent.click(within(speech as HTMLElement).getByRole("button", { name: /2/ }));
    expect(screen.getByText("tts.timeout")).toBeInTheDocument();
    expect(screen.getByText("4.0 s")).toBeInTheDocument(); // the back-off before attempt 2
    expect(screen.getAllByText("host:101")).toHaveLength(2);

    const whole = screen.getByRole("table", { name: "Stages of the whole video" });
    expect(within(whole).getAllByRole("row")).toHaveLength(5);
    expect(screen.getByText("The job failed")).toBeInTheDocument();
    // Catalan finished: its downloads are there.
    expect(screen.getByRole("link", { name: "Watch in Catalan" })).toHaveAttribute(
      "href",
      "/jobs/J1/watch?lang=ca",
    );
  });

  it("retries from the failed stage for the languages chosen, and says what re-runs", async () => {
    const api = server(failedJob).on("POST", "/v1/jobs/J1/retry", {
      status: 202,
      body: {
        jobId: "J1",
        resumeFrom: "dubbed_speech",
        jobStages: [],
        languageStages: { es: ["dubbed_speech", "dubbed_mix", "audio_rendition"] },
      },
    });
    renderApp("/jobs/J1");
    await userEvent.click(await screen.findByRole("button", { name: "Retry from stage…" }));

    expect(screen.getByRole("combobox", { name: "Resume from stage" })).toHaveValue(
      "Dubbed speech",
    );
    await userEvent.click(screen.getByRole("checkbox", { name: "Catalan" }));
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));

    expect(await screen.findByText("es: Dubbed speech, Mix, Audio rendition")).toBeInTheDocument();
    const [sent] = api.calls("POST", "/v1/jobs/J1/retry");
    expect(await sent?.json()).toEqual({ resumeFrom: "dubbed_speech", languages: ["es"] });
  });

  it("cancels a running job, and follows it live", async () => {
    let current = job({ status: "running", progress: 0.5, languages: [language("es", "running")] });
    const api = server(() => current).on("DELETE", "/v1/jobs/J1", () => {
      current = { ...current, status: "cancelled" };
      return { body: { jobId: "J1", status: "cancelled", terminatedRuns: ["run-1"] } };
    });
    renderApp("/jobs/J1");

    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));

    expect(api.calls("DELETE", "/v1/jobs/J1")).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull());
    expect(screen.getByRole("button", { name: "Retry from stage…" })).toBeInTheDocument();
  });

  it("deletes a finished job's data once confirmed, and says so", async () => {
    let current = job();
    const api = server(() => current).on("DELETE", "/v1/jobs/J1/data", () => {
      current = { ...current, dataDeletedAt: "2026-05-02T09:00:00Z", playbackAvailable: false };
      return { body: current };
    });
    renderApp("/jobs/J1");

    await userEvent.click(await screen.findByRole("button", { name: "Delete data…" }));
    expect(api.calls("DELETE", "/v1/jobs/J1/data")).toHaveLength(0);
    await userEvent.click(screen.getByRole("button", { name: "Delete data" }));

    expect(await screen.findByText("The job's data was deleted")).toBeInTheDocument();
    expect(api.calls("DELETE", "/v1/jobs/J1/data")).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Delete data…" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Retry from stage…" })).toBeNull();
    expect(screen.getByRole("button", { name: "Watch" })).toBeDisabled();
  });

  it("updates while the job runs, without a reload, when the live stream says so", async () => {
    let finished = false;
    const api = server(() =>
      finished
        ? job()
        : job({
            status: "running",
            progress: 0.5,
            playbackAvailable: false,
            languages: [language("es", "running")],
          }),
    );
    renderApp("/jobs/J1");
    expect(await screen.findByRole("button", { name: "Cancel" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Watch" })).toBeDisabled();

    finished = true;
    api.emit({ type: "language.ready", jobId: "J1", language: "es", at: "2026-05-01T10:01:00Z" });
    expect(
      await screen.findByRole("link", { name: "Watch" }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  });

  it("pages the logs and filters them by stage", async () => {
    const api = server(job);
    renderApp("/jobs/J1");
    await userEvent.click(await screen.findByRole("tab", { name: "Logs" }));

    const logs = await screen.findByRole("table", { name: "Log lines" });
    expect(within(logs).getAllByRole("row")).toHaveLength(3);
    expect(within(logs).getAllByText(/1200 ms segments=4/)).toHaveLength(2);
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(logs).getAllByRole("row")).toHaveLength(4));

    await userEvent.click(screen.getByRole("combobox", { name: "Stage" }));
    await userEvent.click(screen.getByRole("option", { name: "Translation" }));
    await waitFor(() => expect(api.requests.at(-1)?.search.get("stage")).toBe("translation"));
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("shows the metrics and, to an admin, links the Dagster runs", async () => {
    server(job).on("GET", "/v1/me", { body: me({ role: "admin" }) });
    renderApp("/jobs/J1");
    await userEvent.click(await screen.findByRole("tab", { name: "Metrics" }));
    expect(screen.getByText("1 min 0 s")).toBeInTheDocument();
    expect(screen.getByText("14")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("tab", { name: /Dagster runs/ }));
    expect(screen.getByRole("link", { name: "run-1" })).toHaveAttribute(
      "href",
      "http://127.0.0.1:3000/runs/run-1",
    );
  });

  it("has no Dagster runs tab for a user who is not an admin", async () => {
    server(job).on("GET", "/v1/me", { body: me() });
    const { queryClient } = renderApp("/jobs/J1");
    await screen.findByRole("tab", { name: "Metrics" });
    await waitFor(() => expect(queryClient.getQueryState(["me"])?.status).toBe("success"));
    expect(screen.getAllByRole("tab").map((tab) => tab.textContent)).toEqual([
      "Stages",
      "Logs",
      "Quality",
      "Editor",
      "Metrics",
    ]);
    expect(screen.queryByRole("tab", { name: /Dagster runs/ })).toBeNull();
  });

  it("shows each language's quality report with its plots, and one not measured yet", async () => {
    server(job).on("GET", "/v1/jobs/J1/quality", {
      body: {
        jobId: "J1",
        languages: [quality("es"), { language: "ca", summary: null, units: [] }],
      },
    });
    renderApp("/jobs/J1");
    await userEvent.click(await screen.findByRole("tab", { name: "Quality" }));

    expect(await screen.findByRole("heading", { name: "Spanish" })).toBeInTheDocument();
    expect(screen.getByText("Onsets within 100 ms").nextSibling).toHaveTextContent("50%");
    expect(screen.getByText("Median onset offset").nextSibling).toHaveTextContent("+110 ms");
    expect(screen.getByText("Units over their slot").nextSibling).toHaveTextContent("1 of 2");
    expect(screen.getByText("Original speech heard").nextSibling).toHaveTextContent("3%");
    expect(screen.getByText("Mix loudness").nextSibling).toHaveTextContent("−16.2 LUFS");
    const undubbed = screen.getByRole("list", { name: "Speech not dubbed" });
    expect(undubbed).toHaveTextContent(/10\.60–11\.00 s: .* \(de\), no installed engine/);

    const timeline = screen.getByRole("img", { name: /Timeline of Spanish/ });
    const dubs = timeline.querySelectorAll('rect[data-lane="dub"]');
    expect(dubs).toHaveLength(2);
    // The second unit starts 180 ms late and overflows: it is the one drawn as off time.
    expect([...dubs].map((rect) => rect.hasAttribute("data-off-time"))).toEqual([false, true]);
    const [first, second] = timeline.querySelectorAll('rect[data-lane="source"]');
    expect(Number(second?.getAttribute("x"))).toBeGreaterThan(Number(first?.getAttribute("x")));

    const histogram = screen.getByRole("img", { name: "Speed ratios of Spanish: 2 units" });
    const counts = [...histogram.querySelectorAll("[data-bin]")].map((bin) => [
      bin.getAttribute("data-bin"),
      bin.getAttribute("data-count"),
    ]);
    expect(counts.filter(([, count]) => count !== "0")).toEqual([
      ["1.00", "1"],
      ["1.25", "1"],
    ]);

    const units = screen.getByRole("table", { name: "Units of es" });
    expect(within(units).getAllByRole("row")).toHaveLength(3);
    expect(within(units).getByText("Hoy hablamos de ríos.")).toBeInTheDocument();

    const catalan = screen
      .getByRole("heading", { name: "Catalan" })
      .closest("[data-quality-language]");
    expect(catalan).toHaveTextContent("Not measured yet");
  });

  it("adds a language to a finished job", async () => {
    const api = server(job).on("POST", "/v1/jobs/J1/languages", { status: 202, body: job() });
    renderApp("/jobs/J1");
    await userEvent.click(await screen.findByRole("button", { name: "Add languages…" }));

    await userEvent.click(screen.getByRole("combobox", { name: "Target language 1" }));
    expect(screen.queryByRole("option", { name: /^Spanish/ })).toBeNull(); // the job has it
    await userEvent.click(screen.getByRole("option", { name: /^French/ }));
    await userEvent.click(screen.getByRole("button", { name: "Add and dub" }));

    await waitFor(() => expect(api.calls("POST", "/v1/jobs/J1/languages")).toHaveLength(1));
    const [sent] = api.calls("POST", "/v1/jobs/J1/languages");
    expect(await sent?.json()).toEqual({ targets: [{ language: "fr", preset: "default" }] });
  });
});
