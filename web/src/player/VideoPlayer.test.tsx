import { MantineProvider } from "@mantine/core";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import videojs from "video.js";
import type Player from "video.js/dist/types/player";

import type { AudioTrackLike, TextTrackLike, TrackListLike } from "@dubflow/shared";
import VideoPlayer from "./VideoPlayer";

/** The real video.js player (jsdom cannot decode, so tracks are added as VHS adds them). */
function renderPlayer(initialLanguage: string | null) {
  const onError = vi.fn();
  render(
    <MantineProvider env="test">
      <VideoPlayer
        src="https://media/master.m3u8"
        initialLanguage={initialLanguage}
        onError={onError}
      />
    </MantineProvider>,
  );
  const [player] = (videojs.getAllPlayers() as Player[]).filter(
    (candidate) => !candidate.isDisposed(),
  );
  if (player === undefined) {
    throw new Error("no video.js player");
  }
  act(() => {
    player
      .audioTracks()
      .addTrack(
        new videojs.AudioTrack({ id: "es", label: "Español", language: "es", enabled: true }),
      );
    player
      .audioTracks()
      .addTrack(new videojs.AudioTrack({ id: "ca", label: "Català", language: "ca" }));
    player.addRemoteTextTrack({ kind: "subtitles", label: "Español", srclang: "es" }, false);
    player.addRemoteTextTrack({ kind: "subtitles", label: "Català", srclang: "ca" }, false);
  });
  return {
    audio: player.audioTracks() as unknown as TrackListLike<AudioTrackLike>,
    text: player.textTracks() as unknown as TrackListLike<TextTrackLike>,
  };
}

async function pick(label: string, option: string) {
  await userEvent.click(screen.getByRole("combobox", { name: label }));
  await userEvent.click(screen.getByRole("option", { name: option }));
}

// jsdom cannot play anything: the "no compatible source" errors are expected noise.
beforeAll(() => videojs.log.level("off"));

describe("the video player's track pickers", () => {
  it("start in the language asked for", async () => {
    const { audio } = renderPlayer("ca");
    await waitFor(() =>
      expect(screen.getByTestId("player")).toHaveAttribute("data-audio-language", "ca"),
    );
    expect([audio[0]?.enabled, audio[1]?.enabled]).toEqual([false, true]);
    expect(screen.getByRole("combobox", { name: "Audio" })).toHaveValue("Català");
  });

  it("switch the player's audio track", async () => {
    const { audio } = renderPlayer(null);
    expect(screen.getByRole("combobox", { name: "Audio" })).toHaveValue("Español");

    await pick("Audio", "Català");

    expect([audio[0]?.enabled, audio[1]?.enabled]).toEqual([false, true]);
    expect(screen.getByTestId("player")).toHaveAttribute("data-audio-language", "ca");
  });

  it("show one subtitle track, or none", async () => {
    const { text } = renderPlayer(null);
    expect(screen.getByRole("combobox", { name: "Subtitles" })).toHaveValue("Off");

    await pick("Subtitles", "Català");
    expect([text[0]?.mode, text[1]?.mode]).toEqual(["disabled", "showing"]);

    await pick("Subtitles", "Español");
    expect([text[0]?.mode, text[1]?.mode]).toEqual(["showing", "disabled"]);

    await pick("Subtitles", "Off");
    expect([text[0]?.mode, text[1]?.mode]).toEqual(["disabled", "disabled"]);
  });
});
