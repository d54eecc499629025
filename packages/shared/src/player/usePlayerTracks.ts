import { useCallback, useEffect, useState } from "react";
import type Player from "video.js/dist/types/player";

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
  type TrackOption,
} from "./tracks";

/** A video.js track list as this module uses it: indexable, with its list events. */
type ObservedList<Track> = TrackListLike<Track> & {
  on(types: string[], listener: () => void): void;
  off(types: string[], listener: () => void): void;
};

const LIST_EVENTS = ["addtrack", "removetrack", "change"];

export interface PlayerTracks {
  audio: TrackOption[];
  audioId: string | null;
  subtitles: TrackOption[];
  subtitleId: string | null;
  chooseAudio: (id: string) => void;
  chooseSubtitles: (id: string | null) => void;
}

interface Lists {
  audio: ObservedList<AudioTrackLike>;
  text: ObservedList<TextTrackLike>;
}

function listsOf(player: Player): Lists {
  // The declarations of video.js lack the lists' index signature and their `on`/`off`.
  return {
    audio: player.audioTracks() as unknown as ObservedList<AudioTrackLike>,
    text: player.textTracks() as unknown as ObservedList<TextTrackLike>,
  };
}

const NO_TRACKS = { audio: [], audioId: null, subtitles: [], subtitleId: null };

/** The player's tracks as React state, following the lists' events. */
export function usePlayerTracks(
  player: Player | null,
  initialLanguage: string | null,
): PlayerTracks {
  const [state, setState] =
    useState<Omit<PlayerTracks, "chooseAudio" | "chooseSubtitles">>(NO_TRACKS);

  useEffect(() => {
    if (player === null) {
      return;
    }
    const { audio, text } = listsOf(player);
    let initialApplied = initialLanguage === null;
    const update = () => {
      if (!initialApplied) {
        const wanted = audioOptions(audio).find((track) => track.language === initialLanguage);
        if (wanted !== undefined) {
          initialApplied = true;
          // Not while "addtrack" is being dispatched: video.js only starts keeping one track
          // enabled once addTrack has returned, and would undo a switch made before that.
          queueMicrotask(() => enableAudio(audio, wanted.id));
        }
      }
      setState({
        audio: audioOptions(audio),
        audioId: enabledAudio(audio),
        subtitles: subtitleOptions(text),
        subtitleId: shownSubtitles(text),
      });
    };
    audio.on(LIST_EVENTS, update);
    text.on(LIST_EVENTS, update);
    update();
    return () => {
      audio.off(LIST_EVENTS, update);
      text.off(LIST_EVENTS, update);
    };
  }, [player, initialLanguage]);

  const chooseAudio = useCallback(
    (id: string) => {
      if (player !== null) {
        enableAudio(listsOf(player).audio, id);
      }
    },
    [player],
  );
  const chooseSubtitles = useCallback(
    (id: string | null) => {
      if (player !== null) {
        showSubtitles(listsOf(player).text, id);
      }
    },
    [player],
  );
  return { ...state, chooseAudio, chooseSubtitles };
}
