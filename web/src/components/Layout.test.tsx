import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../test/fakeApi";
import { LANGUAGES } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

function server() {
  return fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/jobs", { body: { items: [], nextCursor: null } });
}

describe("the signed-in frame", () => {
  it("has one banner, one main with the page's only h1, and the navigation in a nav", async () => {
    server();
    renderApp("/jobs");
    expect(await screen.findByRole("heading", { level: 1, name: "Jobs" })).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
    expect(screen.getAllByRole("banner")).toHaveLength(1);
    expect(document.title).toBe("Jobs · dubflow");
    const main = screen.getByRole("main");
    expect(within(main).getByRole("heading", { level: 1 })).toHaveTextContent("Jobs");
    // The desktop links and the phone menu: CSS shows one of the two navigations at a time.
    const [desktop] = screen.getAllByRole("navigation", { name: "Main" });
    expect(within(desktop as HTMLElement).getByRole("link", { name: "Jobs" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("offers a skip link to the content as the first stop", async () => {
    server();
    renderApp("/jobs");
    await screen.findByRole("heading", { level: 1, name: "Jobs" });
    await userEvent.tab();
    const skip = screen.getByRole("link", { name: "Skip to content" });
    expect(skip).toHaveFocus();
    expect(skip).toHaveAttribute("href", "#main");
    expect(screen.getByRole("main")).toHaveAttribute("id", "main");
  });

  it("moves focus to the new page's content after following a link", async () => {
    server();
    const { router } = renderApp("/jobs");
    await screen.findByRole("heading", { level: 1, name: "Jobs" });
    const [desktop] = screen.getAllByRole("navigation", { name: "Main" });
    await userEvent.click(within(desktop as HTMLElement).getByRole("link", { name: "New dub" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/upload"));
    expect(screen.getByRole("main")).toHaveFocus();
    expect(document.title).toBe("New dub · dubflow");
  });

  it("folds the navigation and sign-out into a menu that works by keyboard", async () => {
    server();
    const { router } = renderApp("/upload");
    await screen.findByRole("heading", { level: 1, name: "New dub" });
    const menu = screen.getByRole("button", { name: "Menu" });
    expect(menu).toHaveAttribute("aria-expanded", "false");
    menu.focus();
    await userEvent.keyboard("{Enter}");
    expect(menu).toHaveAttribute("aria-expanded", "true");
    const items = await screen.findAllByRole("menuitem");
    expect(items.map((item) => item.textContent)).toEqual([
      "New dub",
      "Jobs",
      "Presets",
      "Account",
      "Sign out",
    ]);
    // Arrows move through the items, from the first.
    await userEvent.keyboard("{ArrowDown}");
    expect(items[0]).toHaveFocus();
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Jobs" })).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs"));
    await waitFor(() => expect(screen.queryByRole("menuitem")).not.toBeInTheDocument());
    expect(screen.getByRole("main")).toHaveFocus();
  });
});
