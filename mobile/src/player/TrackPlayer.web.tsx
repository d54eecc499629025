/**
 * The player of the web build: expo-video's web player is a plain <video> element, which lists
 * no audio renditions or subtitle tracks of an HLS playlist (and Chromium does not play HLS in it
 * without Media Source Extensions). So the web build plays with video.js as the web app does
 * (`@dubflow/shared`'s HLS player and track choice) under the same buttons as on a device.
 */
import "video.js/dist/video-js.css";

import { usePlayerTracks } from "@dubflow/shared";
import { createHlsPlayer, HLS } from "@dubflow/shared/src/player/hlsPlayer";
import { useEffect, useRef, useState } from "react";
import { View } from "react-native";
import type Player from "video.js/dist/types/player";

import { TrackChoice } from "./TrackChoice";

export function TrackPlayer({ url }: { url: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [player, setPlayer] = useState<Player | null>(null);

  // video.js owns the <video> element: create it outside React's tree, dispose it on unmount.
  useEffect(() => {
    if (container.current === null) {
      return;
    }
    const created = createHlsPlayer(container.current);
    setPlayer(created);
    return () => {
      created.dispose();
      setPlayer(null);
    };
  }, []);

  useEffect(() => {
    player?.src({ src: url, type: HLS });
  }, [player, url]);

  const tracks = usePlayerTracks(player, null);
  return (
    <View style={{ gap: 12 }}>
      <div ref={container} aria-label="Dubbed video" data-testid="player" />
      <TrackChoice
        audio={tracks.audio.map((track) => ({
          key: track.id,
          label: track.label,
          selected: track.id === tracks.audioId,
          choose: () => tracks.chooseAudio(track.id),
        }))}
        subtitles={tracks.subtitles.map((track) => ({
          key: track.id,
          label: track.label,
          selected: track.id === tracks.subtitleId,
          choose: () => tracks.chooseSubtitles(track.id),
        }))}
        subtitlesOff={{
          selected: tracks.subtitleId === null,
          choose: () => tracks.chooseSubtitles(null),
        }}
      />
    </View>
  );
}
