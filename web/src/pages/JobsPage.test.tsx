import type { JobSummary } from "@dubflow/shared";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../test/fakeApi";
import { LANGUAGES } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

function summary(id: string, status: JobSummary["status"], progress = 1): JobSummary {
  return {
    id,
    status,
    sourceLanguage: "en",
    languages: ["es", "ca"],
    progress,
    createdAt: "2026-05-01T10:00:00Z",
    finishedAt: null,
  };
}

function server() {
  return fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/jobs", (request) => {
      const query = new URL(request.url).searchParams;
      if (query.get("status") === "failed") {
        return { body: { items: [summary("JF", "failed", 0.4)], nextCursor: null } };
      }
      if (query.get("cursor") === "page2") {
        return { body: { items: [summary("J3", "succeeded")], nextCursor: null } };
      }
      return {
        body: {
          items: [summary("J1", "running", 0.5), summary("J2", "succeeded")],
          nextCursor: "page2",
        },
      };
    });
}

const rows = () =>
  within(screen.getByRole("table", { name: "Jobs" }))
    .getAllByRole("row")
    .slice(1);

describe("the jobs page", () => {
  it("lists jobs with their status and progress", async () => {
    server();
    renderApp("/jobs");
    expect(await screen.findByText("J1")).toBeInTheDocument();
    const [running] = rows();
    expect(running).toHaveTextContent("running");
    expect(running).toHaveTextContent("50%");
    expect(within(running as HTMLElement).getByText("ca")).toBeInTheDocument();
  });

  it("pages forward with the cursor and back again", async () => {
    const api = server();
    renderApp("/jobs");
    await screen.findByText("J1");
    expect(screen.getByRole("button", { name: "Newer" })).toBeDisabled();

    await userEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("J3")).toBeInTheDocument();
    expect(api.requests.at(-1)?.search.get("cursor")).toBe("page2");
    expect(screen.getByRole("button", { name: "Older" })).toBeDisabled();

    await userEvent.click(screen.getByRole("button", { name: "Newer" }));
    expect(await screen.findByText("J1")).toBeInTheDocument();
  });

  it("filters by status and language through the API, keeping the filters in the URL", async () => {
    const api = server();
    const { router } = renderApp("/jobs");
    await screen.findByText("J1");

    await userEvent.click(screen.getByRole("combobox", { name: "Status" }));
    await userEvent.click(screen.getByRole("option", { name: "failed" }));
    expect(await screen.findByText("JF")).toBeInTheDocument();
    expect(router.state.location.search).toBe("?status=failed");

    await userEvent.click(screen.getByRole("combobox", { name: "Language" }));
    await userEvent.click(screen.getByRole("option", { name: "Catalan" }));
    await waitFor(() => expect(api.requests.at(-1)?.search.get("language")).toBe("ca"));
    expect(api.requests.at(-1)?.search.get("status")).toBe("failed");
  });

  it("follows the live event stream: an event refreshes the list at once, without polling", async () => {
    let status: JobSummary["status"] = "running";
    const api = fakeApi().on("GET", "/v1/jobs", () => ({
      body: { items: [summary("J1", status, 0.5)], nextCursor: null },
    }));
    renderApp("/jobs");
    await waitFor(() => expect(rows()[0]).toHaveTextContent("running"));
    expect(api.calls("GET", "/v1/events")).toHaveLength(1);

    status = "succeeded";
    api.emit({
      type: "job.status",
      jobId: "J1",
      status,
      errorCode: null,
      at: "2026-05-01T10:01:00Z",
    });
    await waitFor(() => expect(rows()[0]).toHaveTextContent("succeeded"), { timeout: 1000 });
  });

  it("opens a job from its row", async () => {
    server();
    const { router } = renderApp("/jobs");
    await userEvent.click(await screen.findByText("J2"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs/J2"));
  });
});
