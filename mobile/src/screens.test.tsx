import { job } from "@dubflow/shared/src/testing/fixtures";
import { fireEvent, screen, waitFor } from "@testing-library/react-native";

import { fakeApi, renderApp, mockSecrets, SERVER, signedIn } from "./test/app";

const summary = (id: string, status = "succeeded") => ({
  id,
  status,
  sourceLanguage: "en",
  languages: ["es"],
  progress: status === "succeeded" ? 1 : 0.4,
  createdAt: "2026-12-01T10:00:00Z",
  finishedAt: null,
});

describe("sign in", () => {
  it("keeps the key once the API accepts it, and shows the jobs", async () => {
    const api = fakeApi()
      .on("GET", "/v1/me", { body: { email: "ana@example.com" } })
      .on("GET", "/v1/jobs", { body: { items: [summary("J1")], nextCursor: null } });
    renderApp("/sign-in");

    fireEvent.changeText(await screen.findByLabelText("Server address"), SERVER);
    fireEvent.changeText(screen.getByLabelText("API key or token"), "dk_good");
    fireEvent.press(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByLabelText(/^Job J1, succeeded/)).toBeOnTheScreen();
    expect(mockSecrets.get("dubflow.token")).toBe("dk_good");
    expect(api.calls("GET", "/v1/me")[0]?.headers.get("Authorization")).toBe("Bearer dk_good");
  });

  it("says why a key is refused, with its code, and keeps nothing", async () => {
    fakeApi().on("GET", "/v1/me", {
      status: 401,
      body: {
        type: "about:blank",
        title: "auth.invalid_key",
        status: 401,
        detail: "unknown key",
        code: "auth.invalid_key",
      },
    });
    renderApp("/sign-in");

    fireEvent.changeText(await screen.findByLabelText("API key or token"), "dk_bad");
    fireEvent.press(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText(/unknown or was revoked/)).toBeOnTheScreen();
    expect(screen.getByText("unknown key (auth.invalid_key)")).toBeOnTheScreen();
    expect(mockSecrets.has("dubflow.token")).toBe(false);
  });
});

describe("jobs", () => {
  it("filters by status and language, and reads the next page by its cursor", async () => {
    signedIn();
    const api = fakeApi().on("GET", "/v1/jobs", (request) => {
      const cursor = new URL(request.url).searchParams.get("cursor");
      return cursor === "c2"
        ? { body: { items: [summary("J3")], nextCursor: null } }
        : { body: { items: [summary("J1"), summary("J2", "running")], nextCursor: "c2" } };
    });
    renderApp("/");

    expect(await screen.findByLabelText(/^Job J2, running/)).toBeOnTheScreen();
    fireEvent.press(screen.getByRole("button", { name: "Older jobs" }));
    expect(await screen.findByLabelText(/^Job J3, succeeded/)).toBeOnTheScreen();

    fireEvent.press(screen.getByRole("button", { name: "failed" }));
    fireEvent.changeText(screen.getByLabelText("Language filter (code, e.g. es)"), "ca");
    await waitFor(() => {
      const last = api.requests.filter((entry) => entry.path === "/v1/jobs").at(-1);
      expect(last?.search.get("status")).toBe("failed");
      expect(last?.search.get("language")).toBe("ca");
    });
  });
});

describe("a job", () => {
  it("shows its stages and the failed stage's code, and retries from a stage", async () => {
    signedIn();
    const failed = job({
      id: "J9",
      status: "failed",
      errorCode: "translation.failed",
      errorMessage: "the translation engine stopped",
    });
    const api = fakeApi()
      .on("GET", "/v1/jobs/:id", { body: failed })
      .on("GET", "/v1/jobs/:id/quality", { body: { jobId: "J9", languages: [] } })
      .on("POST", "/v1/jobs/:id/retry", { body: { resumeFrom: "translation", runs: [] } });
    renderApp("/jobs/J9");

    expect(await screen.findByText(/Job J9/)).toBeOnTheScreen();
    expect(
      screen.getByText("the translation engine stopped (translation.failed)"),
    ).toBeOnTheScreen();
    fireEvent.press(screen.getByRole("button", { name: "Retry from a stage…" }));
    fireEvent.press(screen.getByRole("button", { name: "Translation" }));
    await waitFor(() => expect(api.calls("POST", "/v1/jobs/J9/retry")).toHaveLength(1));
    const body: unknown = await api.calls("POST", "/v1/jobs/J9/retry")[0]?.json();
    expect(body).toEqual({ resumeFrom: "translation", languages: null });
  });
});
