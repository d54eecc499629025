import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { storedApiKey } from "../auth/keyStorage";
import { fakeApi, problem } from "../test/fakeApi";
import { LANGUAGES, PRESETS } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

function api(validKey: string) {
  const authorized = (request: Request) =>
    request.headers.get("Authorization") === `Bearer ${validKey}`;
  return fakeApi()
    .on("GET", "/v1/presets", (request) =>
      authorized(request) ? { body: PRESETS } : problem(401, "auth.invalid_key", "unknown API key"),
    )
    .on("GET", "/v1/languages", (request) =>
      authorized(request)
        ? { body: LANGUAGES }
        : problem(401, "auth.invalid_key", "unknown API key"),
    );
}

describe("sign-in", () => {
  it("sends a visitor without a key to the sign-in page", async () => {
    api("good");
    renderApp("/jobs", { signedIn: false });
    expect(await screen.findByLabelText(/API key/)).toBeInTheDocument();
  });

  it("explains a key the API refuses, and keeps nothing", async () => {
    api("good");
    renderApp("/sign-in", { signedIn: false });
    await userEvent.type(screen.getByLabelText(/API key/), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(/unknown or was revoked/);
    expect(storedApiKey()).toBeNull();
  });

  it("keeps a good key in the session, and sign-out forgets it", async () => {
    const server = api("good");
    const { router } = renderApp("/sign-in", { signedIn: false });
    await userEvent.type(screen.getByLabelText(/API key/), " good ");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "New dub" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/upload");
    expect(storedApiKey()).toBe("good");
    expect(server.calls("GET", "/v1/presets")[0]?.headers.get("Authorization")).toBe("Bearer good");

    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText(/API key/)).toBeInTheDocument();
    expect(storedApiKey()).toBeNull();
  });

  it("ends the session when the API stops accepting the key", async () => {
    api("good");
    sessionStorage.setItem("dubflow.apiKey", "revoked");
    renderApp("/upload", { signedIn: false });

    expect(await screen.findByText("Your session ended")).toBeInTheDocument();
    expect(storedApiKey()).toBeNull();
  });
});
