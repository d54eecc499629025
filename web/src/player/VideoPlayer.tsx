/**
 * The HLS player: video.js 8 with VHS (`createHlsPlayer`, shared with the mobile app's web
 * build), plus audio and subtitle pickers that switch tracks through video.js's own track lists.
 * Loaded lazily: video.js is most of the app's weight and only the watch page needs it.
 */
import "video.js/dist/video-js.css";

import { usePlayerTracks } from "@dubflow/shared";
import { createHlsPlayer, HLS } from "@dubflow/shared/src/player/hlsPlayer";
import { Group, Select } from "@mantine/core";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import type Player from "video.js/dist/types/player";

export interface VideoPlayerProps {
  /** The signed URL of the HLS master playlist. */
  src: string;
  /** The audio language to start with, if the stream has it. */
  initialLanguage: string | null;
  /** Where to start, in seconds ("play from here"). */
  startAt?: number;
  /** The player failed (e.g. its signed URLs expired): the page may give it a fresh `src`. */
  onError: (message: string) => void;
}

export default function VideoPlayer({
  src,
  initialLanguage,
  startAt = 0,
  onError,
}: VideoPlayerProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [player, setPlayer] = useState<Player | null>(null);
  const reportError = useEffectEvent(onError);

  // video.js owns the <video> element: create it outside React's tree, dispose it on unmount.
  useEffect(() => {
    const container = containerRef.current;
    if (container === null) {
      return;
    }
    const created = createHlsPlayer(container);
    created.on("error", () => {
      reportError(created.error()?.message ?? "the video could not be played");
    });
    setPlayer(created);
    return () => {
      created.dispose();
      setPlayer(null);
    };
  }, []);

  // A new URL for the same stream (a refreshed signature) continues where playback was.
  useEffect(() => {
    if (player === null) {
      return;
    }
    // The first source starts at `startAt`; a refreshed one where playback was.
    const position = player.currentTime() || startAt;
    const playing = !player.paused();
    player.error(null);
    player.src({ src, type: HLS });
    if (position > 0) {
      player.one("loadedmetadata", () => {
        player.currentTime(position);
        if (playing) {
          void player.play();
        }
      });
    }
    // `startAt` applies to the first source only: a later value leaves playback where it is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [player, src]);

  const tracks = usePlayerTracks(player, initialLanguage);
  const audioLanguage = tracks.audio.find((track) => track.id === tracks.audioId)?.language;

  return (
    <div>
      <div ref={containerRef} data-testid="player" data-audio-language={audioLanguage ?? ""} />
      <Group mt="md" grow>
        <Select
          label="Audio"
          placeholder={tracks.audio.length === 0 ? "Loading…" : undefined}
          data={tracks.audio.map((track) => ({ value: track.id, label: track.label }))}
          value={tracks.audioId}
          onChange={(id) => id !== null && tracks.chooseAudio(id)}
          allowDeselect={false}
          disabled={tracks.audio.length < 2}
        />
        <Select
          label="Subtitles"
          data={[
            { value: "", label: "Off" },
            ...tracks.subtitles.map((track) => ({ value: track.id, label: track.label })),
          ]}
          value={tracks.subtitleId ?? ""}
          onChange={(id) => tracks.chooseSubtitles(id === null || id === "" ? null : id)}
          allowDeselect={false}
          disabled={tracks.subtitles.length === 0}
        />
      </Group>
    </div>
  );
}
