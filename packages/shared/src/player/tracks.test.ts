import videojs from "video.js";

import {
  type AudioTrackLike,
  audioOptions,
  enableAudio,
  enabledAudio,
  showSubtitles,
  shownSubtitles,
  subtitleOptions,
  type TextTrackLike,
  type TrackListLike,
} from "./tracks";

function audioTrack(id: string, language: string, enabled = false): AudioTrackLike {
  return { id, label: id, language, enabled };
}

function textTrack(
  id: string,
  language: string,
  kind = "subtitles",
  mode = "disabled",
): TextTrackLike {
  return { id, kind, label: id, language, mode };
}

describe("audio tracks", () => {
  const list = (): TrackListLike<AudioTrackLike> => [
    audioTrack("Español", "es", true),
    audioTrack("Català", "ca"),
  ];

  it("lists them and says which one plays", () => {
    const tracks = list();
    expect(audioOptions(tracks)).toEqual([
      { id: "Español", label: "Español", language: "es" },
      { id: "Català", label: "Català", language: "ca" },
    ]);
    expect(enabledAudio(tracks)).toBe("Español");
  });

  it("switches to the chosen one, leaving exactly one enabled", () => {
    const tracks = list();
    enableAudio(tracks, "Català");
    expect(enabledAudio(tracks)).toBe("Català");
    expect(Array.from({ length: tracks.length }, (_, i) => tracks[i]?.enabled)).toEqual([
      false,
      true,
    ]);
  });

  it("changes nothing for a track it does not have", () => {
    const tracks = list();
    enableAudio(tracks, "Deutsch");
    expect(enabledAudio(tracks)).toBe("Español");
  });

  it("drives video.js's own AudioTrackList, which tells its listeners", () => {
    const tracks = new videojs.AudioTrackList([
      new videojs.AudioTrack({ id: "es", label: "Español", language: "es", enabled: true }),
      new videojs.AudioTrack({ id: "ca", label: "Català", language: "ca", enabled: false }),
    ]);
    const changed = vi.fn();
    tracks.on("change", changed);
    const indexable = tracks as unknown as TrackListLike<AudioTrackLike>;

    enableAudio(indexable, "ca");

    expect(enabledAudio(indexable)).toBe("ca");
    expect(indexable[0]?.enabled).toBe(false);
    expect(changed).toHaveBeenCalled();
  });
});

describe("subtitle tracks", () => {
  const list = (): TrackListLike<TextTrackLike> => [
    textTrack("Español", "es"),
    textTrack("Català", "ca"),
    textTrack("chapters", "en", "chapters"),
  ];

  it("lists only subtitles and captions", () => {
    expect(subtitleOptions(list()).map((option) => option.id)).toEqual(["Español", "Català"]);
  });

  it("shows the chosen one and hides the others", () => {
    const tracks = list();
    showSubtitles(tracks, "Español");
    showSubtitles(tracks, "Català");
    expect(shownSubtitles(tracks)).toBe("Català");
    expect(tracks[0]?.mode).toBe("disabled");
  });

  it("turns them off", () => {
    const tracks = list();
    showSubtitles(tracks, "Català");
    showSubtitles(tracks, null);
    expect(shownSubtitles(tracks)).toBeNull();
    expect(tracks[2]?.mode).toBe("disabled");
  });

  it("labels a track without a label by its language", () => {
    const tracks: TrackListLike<TextTrackLike> = [{ ...textTrack("t1", "es"), label: "" }];
    expect(subtitleOptions(tracks)[0]?.label).toBe("es");
  });
});
