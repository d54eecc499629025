/**
 * The structure assistive technology navigates by, on each page: one `h1` in the one `main`,
 * headings that never skip a level, and a name on every table, progress bar and scrolling box.
 * (Contrast and the rest are checked by axe-core in the browser tests.)
 */
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../test/fakeApi";
import { job, LANGUAGES, me, PRESETS } from "../test/fixtures";
import { renderApp } from "../test/render";

function server() {
  return fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/presets", { body: PRESETS })
    .on("GET", "/v1/jobs", {
      body: {
        items: [
          {
            id: "J1",
            status: "running",
            sourceLanguage: "en",
            languages: ["es"],
            progress: 0.5,
            createdAt: "2026-05-01T10:00:00Z",
            finishedAt: null,
          },
        ],
        nextCursor: null,
      },
    })
    .on("GET", "/v1/me", { body: me() })
    .on("GET", "/v1/jobs/J1", { body: job() })
    .on("GET", "/v1/jobs/J1/logs", { body: { items: [], nextCursor: null } });
}

function expectSoundStructure() {
  const main = screen.getByRole("main");
  expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
  expect(within(main).getByRole("heading", { level: 1 })).toBeVisible();
  const levels = screen.getAllByRole("heading").map((heading) => Number(heading.tagName.slice(1)));
  levels.reduce((previous, level) => {
    expect(level).toBeLessThanOrEqual(previous + 1);
    return level;
  }, 1);
  for (const named of [
    ...screen.queryAllByRole("table"),
    ...screen.queryAllByRole("progressbar"),
    ...document.querySelectorAll('[tabindex="0"]:not(a, button, input)'),
  ]) {
    expect(named).toHaveAccessibleName();
  }
}

describe("each page's structure", () => {
  it("new dub", async () => {
    server();
    renderApp("/upload");
    await screen.findByRole("combobox", { name: "Spoken language of the video" });
    expectSoundStructure();
  });

  it("jobs", async () => {
    server();
    renderApp("/jobs");
    await screen.findByRole("table", { name: "Jobs" });
    expectSoundStructure();
  });

  it("a job: its stages and its metrics", async () => {
    server();
    renderApp("/jobs/J1");
    await screen.findByRole("table", { name: "Stages of es" });
    expectSoundStructure();
    await userEvent.click(screen.getByRole("tab", { name: "Metrics" }));
    await screen.findByText("Wall clock");
    expectSoundStructure();
  });

  it("account", async () => {
    server();
    renderApp("/account");
    await screen.findByRole("table", { name: "Quotas" });
    expectSoundStructure();
  });

  it("sign in", async () => {
    renderApp("/sign-in", { signedIn: false });
    await screen.findByLabelText(/API key/);
    expectSoundStructure();
  });
});
