/**
 * The watch screen through its real route: the signed master playlist (made absolute on the
 * signed-in server) goes to the player, the tracks the player finds become buttons, and a press
 * chooses that track on the player. expo-video is native: it stands in at its JavaScript boundary
 * (`useVideoPlayer`, the player's track properties and change events, `VideoView`).
 */
import { job } from "@dubflow/shared/src/testing/fixtures";
import { act, fireEvent, screen } from "@testing-library/react-native";

import { fakeApi, renderApp, SERVER, signedIn } from "./test/app";

interface Track {
  language: string;
  label: string;
}

// `mock…`: jest lets its hoisted module factories read it.
const mockPlayers: MockPlayer[] = [];

class MockPlayer {
  playing = false;
  availableAudioTracks: Track[] = [];
  availableSubtitleTracks: Track[] = [];
  private audio: Track | null = null;
  private subtitles: Track | null = null;
  private listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(readonly source: string) {}

  play(): void {
    this.playing = true;
  }

  get audioTrack(): Track | null {
    return this.audio;
  }

  set audioTrack(track: Track | null) {
    this.audio = track;
    this.emit("audioTrackChange", { audioTrack: track });
  }

  get subtitleTrack(): Track | null {
    return this.subtitles;
  }

  set subtitleTrack(track: Track | null) {
    this.subtitles = track;
    this.emit("subtitleTrackChange", { subtitleTrack: track });
  }

  /** What the native player announces once it has read the playlist. */
  loaded(audio: Track[], subtitles: Track[]): void {
    this.availableAudioTracks = audio;
    this.availableSubtitleTracks = subtitles;
    this.emit("availableAudioTracksChange", { availableAudioTracks: audio });
    this.emit("availableSubtitleTracksChange", { availableSubtitleTracks: subtitles });
    this.audioTrack = audio[0] ?? null;
  }

  addListener(event: string, listener: (payload: unknown) => void) {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return { remove: () => set.delete(listener) };
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) {
      listener(payload);
    }
  }
}

jest.mock("expo-video", () => {
  const { useState } = jest.requireActual<typeof import("react")>("react");
  const { View } = jest.requireActual<typeof import("react-native")>("react-native");
  return {
    useVideoPlayer: (source: string, setup: (player: MockPlayer) => void) => {
      const [player] = useState(() => {
        const created = new MockPlayer(source);
        setup(created);
        mockPlayers.push(created);
        return created;
      });
      return player;
    },
    VideoView: (props: { accessibilityLabel: string }) => (
      <View accessibilityLabel={props.accessibilityLabel} />
    ),
  };
});

const ES = { language: "es", label: "Español" };
const CA = { language: "ca", label: "Català" };

beforeEach(() => {
  mockPlayers.length = 0;
});

describe("watch", () => {
  it("plays the signed playlist and switches the audio and subtitle tracks", async () => {
    signedIn();
    const api = fakeApi()
      .on("GET", "/v1/jobs/:id", { body: job() }) // finished in es and ca
      .on("GET", "/v1/jobs/:id/playback", {
        body: {
          url: "/v1/media/jobs/J1/master.m3u8?signature=s",
          expiresAt: "2999-01-01T00:00:00Z",
        },
      });
    renderApp("/jobs/J1/watch");

    expect(await screen.findByLabelText("Dubbed video")).toBeOnTheScreen();
    const [player] = mockPlayers;
    expect(player?.source).toBe(`${SERVER}/v1/media/jobs/J1/master.m3u8?signature=s`);
    expect(player?.playing).toBe(true);
    expect(api.calls("GET", "/v1/jobs/J1/playback")).toHaveLength(1);
    expect(screen.getByText("One audio track.")).toBeOnTheScreen();

    act(() => player?.loaded([ES, CA], [ES, CA]));
    const catalanAudio = screen.getByRole("button", { name: "Audio: Català" });
    expect(screen.getByRole("button", { name: "Audio: Español" })).toBeSelected();
    expect(screen.getByRole("button", { name: "Subtitles: off" })).toBeSelected();

    fireEvent.press(catalanAudio);
    fireEvent.press(screen.getByRole("button", { name: "Subtitles: Català" }));
    expect(player?.audioTrack).toEqual(CA);
    expect(player?.subtitleTrack).toEqual(CA);
    expect(screen.getByRole("button", { name: "Audio: Català" })).toBeSelected();
    expect(screen.getByRole("button", { name: "Audio: Español" })).not.toBeSelected();
    expect(screen.getByRole("button", { name: "Subtitles: Català" })).toBeSelected();

    fireEvent.press(screen.getByRole("button", { name: "Subtitles: off" }));
    expect(player?.subtitleTrack).toBeNull();
    expect(screen.getByRole("button", { name: "Download ca MP4" })).toBeOnTheScreen();
    expect(screen.getByRole("button", { name: "Download es SRT" })).toBeOnTheScreen();
  });
});
