/**
 * Track selection over video.js's track lists (`player.audioTracks()`, `player.textTracks()`),
 * written against their shape only so it can be tested without a player. With VHS, enabling an
 * audio track makes the player switch to that language's rendition; a subtitle track shown is
 * loaded from its WebVTT playlist and rendered by video.js.
 */

export interface AudioTrackLike {
  readonly id: string;
  readonly label: string;
  readonly language: string;
  enabled: boolean;
}

export interface TextTrackLike {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly language: string;
  mode: string; // "disabled" | "hidden" | "showing"
}

/** video.js lists index like arrays but their type declarations say nothing of it. */
export interface TrackListLike<Track> {
  readonly length: number;
  readonly [index: number]: Track;
}

export interface TrackOption {
  id: string;
  label: string;
  language: string;
}

export function tracksOf<Track>(list: TrackListLike<Track>): Track[] {
  return Array.from({ length: list.length }, (_, index) => list[index] as Track);
}

function option(track: { id: string; label: string; language: string }): TrackOption {
  return {
    id: track.id,
    label: track.label || track.language || track.id,
    language: track.language,
  };
}

function isSubtitles(track: TextTrackLike): boolean {
  return track.kind === "subtitles" || track.kind === "captions";
}

export function audioOptions(list: TrackListLike<AudioTrackLike>): TrackOption[] {
  return tracksOf(list).map(option);
}

export function enabledAudio(list: TrackListLike<AudioTrackLike>): string | null {
  return tracksOf(list).find((track) => track.enabled)?.id ?? null;
}

/** Exactly one audio track enabled: the chosen one (an unknown id changes nothing). */
export function enableAudio(list: TrackListLike<AudioTrackLike>, id: string): void {
  const tracks = tracksOf(list);
  const chosen = tracks.find((track) => track.id === id);
  if (chosen === undefined) {
    return;
  }
  // Enable first: switching off the playing track first would leave a moment with no audio.
  chosen.enabled = true;
  for (const track of tracks) {
    if (track !== chosen && track.enabled) {
      track.enabled = false;
    }
  }
}

export function subtitleOptions(list: TrackListLike<TextTrackLike>): TrackOption[] {
  return tracksOf(list).filter(isSubtitles).map(option);
}

export function shownSubtitles(list: TrackListLike<TextTrackLike>): string | null {
  return tracksOf(list).find((track) => isSubtitles(track) && track.mode === "showing")?.id ?? null;
}

/** Shows the chosen subtitle track and hides every other one; null turns subtitles off. */
export function showSubtitles(list: TrackListLike<TextTrackLike>, id: string | null): void {
  for (const track of tracksOf(list).filter(isSubtitles)) {
    track.mode = track.id === id ? "showing" : "disabled";
  }
}
