import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../test/fakeApi";
import { job, language } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";

// The player itself is tested in player/VideoPlayer.test.tsx; here it only shows what it got.
vi.mock("../player/VideoPlayer", () => ({
  default: (props: {
    src: string;
    initialLanguage: string | null;
    onError: (message: string) => void;
  }) => (
    <div data-testid="player" data-src={props.src} data-language={props.initialLanguage ?? ""}>
      <button type="button" onClick={() => props.onError("network error")}>
        fail
      </button>
    </div>
  ),
}));

function server(expiresAt: string) {
  let signed = 0;
  const api = fakeApi()
    .on("GET", "/v1/jobs/J1", { body: job() })
    .on("GET", "/v1/jobs/J1/playback", () => {
      signed += 1;
      return { body: { url: `https://media/master.m3u8?signature=${signed}`, expiresAt } };
    });
  return api;
}

describe("the watch page", () => {
  it("plays the signed master playlist, in the language asked for, and lists the downloads", async () => {
    server("2999-01-01T00:00:00Z");
    renderApp("/jobs/J1/watch?lang=ca");

    const player = await screen.findByTestId("player");
    expect(player).toHaveAttribute("data-src", "https://media/master.m3u8?signature=1");
    expect(player).toHaveAttribute("data-language", "ca");
    const downloads = screen.getByRole("table", { name: "Downloads" });
    expect(within(downloads).getAllByRole("link", { name: "MP4" })).toHaveLength(2);
    expect(within(downloads).getAllByRole("link", { name: "Subtitles (SRT)" })[1]).toHaveAttribute(
      "href",
      "/v1/media/jobs/J1/ca/subtitles.srt?signature=s",
    );
  });

  it("gets a fresh URL when the signed one has expired", async () => {
    server("2000-01-01T00:00:00Z");
    renderApp("/jobs/J1/watch");
    await userEvent.click(await screen.findByRole("button", { name: "fail" }));

    await waitFor(() =>
      expect(screen.getByTestId("player")).toHaveAttribute(
        "data-src",
        "https://media/master.m3u8?signature=2",
      ),
    );
    expect(screen.queryByText("The video could not be played")).toBeNull();
  });

  it("says why when the video cannot be played", async () => {
    server("2999-01-01T00:00:00Z");
    renderApp("/jobs/J1/watch");
    await userEvent.click(await screen.findByRole("button", { name: "fail" }));
    expect(screen.getByText("The video could not be played")).toBeInTheDocument();
  });

  it("waits for a first language before playing", async () => {
    const api = fakeApi().on("GET", "/v1/jobs/J1", {
      body: job({
        status: "running",
        progress: 0.4,
        playbackAvailable: false,
        languages: [language("es", "running")],
      }),
    });
    renderApp("/jobs/J1/watch");
    expect(await screen.findByText("Not playable yet")).toBeInTheDocument();
    expect(screen.getByText(/40% done, running/)).toBeInTheDocument();
    expect(api.calls("GET", "/v1/jobs/J1/playback")).toHaveLength(0);
  });
});
