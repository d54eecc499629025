import { screen, within } from "@testing-library/react";

import { fakeApi, problem } from "../test/fakeApi";
import { me } from "../test/fixtures";
import { renderApp } from "../test/render";

const row = (table: string, name: string) =>
  within(screen.getByRole("table", { name: table }))
    .getByRole("rowheader", { name })
    .closest("tr") as HTMLElement;

describe("the account page", () => {
  it("shows who you are, your quotas with their usage, and your rate limits", async () => {
    fakeApi().on("GET", "/v1/me", { body: me() });
    renderApp("/account");
    expect(await screen.findByRole("heading", { level: 1, name: "Account" })).toBeInTheDocument();
    expect(screen.getByText("Ana")).toBeInTheDocument();
    expect(screen.getByText("(ana@example.com)", { exact: false })).toBeInTheDocument();

    const storage = row("Quotas", "Storage (uploads and dubbed outputs)");
    expect(storage).toHaveTextContent("45.0 GB");
    expect(storage).toHaveTextContent("50.0 GB");
    expect(within(storage).getByRole("progressbar")).toHaveAccessibleName(
      "Storage (uploads and dubbed outputs): 90% used",
    );
    const waiting = row("Quotas", "Jobs waiting to start");
    expect(within(waiting).getByRole("progressbar")).toHaveAccessibleName(
      "Jobs waiting to start: 100% used",
    );
    expect(row("Quotas", "Minutes of video in 24 hours")).toHaveTextContent("600 min");
    // A limit per upload has no usage to show.
    expect(within(row("Quotas", "Largest upload")).queryByRole("progressbar")).toBeNull();

    const writes = row("Rate limits", "Changes (uploads, jobs, retries)");
    expect(writes).toHaveTextContent("120 per 1 min 0 s");
    expect(writes).toHaveTextContent("117");
    expect(writes).toHaveTextContent("42 s");
  });

  it("is reached from the navigation", async () => {
    fakeApi()
      .on("GET", "/v1/me", { body: me() })
      .on("GET", "/v1/jobs", { body: { items: [], nextCursor: null } });
    renderApp("/jobs");
    const [desktop] = await screen.findAllByRole("navigation", { name: "Main" });
    expect(within(desktop as HTMLElement).getByRole("link", { name: "Account" })).toHaveAttribute(
      "href",
      "/account",
    );
  });

  it("says what went wrong when the account cannot be read", async () => {
    fakeApi().on("GET", "/v1/me", problem(503, "service.busy", "the service is busy"));
    renderApp("/account");
    expect(await screen.findByRole("alert")).toHaveTextContent(/busy/i);
  });
});
