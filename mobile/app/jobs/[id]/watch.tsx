/**
 * Watch a job: the HLS master playlist through its signed URL with expo-video, a choice of
 * audio track (the original or a dubbed language) and of subtitles, and the downloads.
 */
import { useJob, usePlayback } from "@dubflow/shared";
import { useEvent } from "expo";
import { useLocalSearchParams } from "expo-router";
import {
  type AudioTrack,
  type SubtitleTrack,
  useVideoPlayer,
  type VideoPlayer,
  VideoView,
} from "expo-video";
import { ScrollView, useWindowDimensions, View } from "react-native";

import { Button, Label, ProblemNotice, Screen, styles } from "../../../src/components/ui";
import { download } from "../../../src/downloads";
import { useSession } from "../../../src/session";

// expo-video's tracks are chosen by assigning to the player (outside the component: the player
// the hook returns is not to be modified in render code).
function chooseAudio(player: VideoPlayer, track: AudioTrack): void {
  player.audioTrack = track;
}

function chooseSubtitles(player: VideoPlayer, track: SubtitleTrack | null): void {
  player.subtitleTrack = track;
}

function Player({ url }: { url: string }) {
  const player = useVideoPlayer(url, (created) => {
    created.play();
  });
  const { availableAudioTracks: audioTracks } = useEvent(player, "availableAudioTracksChange", {
    availableAudioTracks: player.availableAudioTracks,
  });
  const { availableSubtitleTracks: subtitleTracks } = useEvent(
    player,
    "availableSubtitleTracksChange",
    { availableSubtitleTracks: player.availableSubtitleTracks },
  );
  const { audioTrack } = useEvent(player, "audioTrackChange", { audioTrack: player.audioTrack });
  const { subtitleTrack } = useEvent(player, "subtitleTrackChange", {
    subtitleTrack: player.subtitleTrack,
  });
  const { width, height } = useWindowDimensions();
  const videoHeight = Math.min((width - 32) * (9 / 16), height * 0.6);
  const same = (a: AudioTrack | SubtitleTrack | null, b: AudioTrack | SubtitleTrack) =>
    a !== null && a.language === b.language && a.label === b.label;

  return (
    <View style={{ gap: 12 }}>
      <VideoView
        player={player}
        accessibilityLabel="Dubbed video"
        style={{ width: "100%", height: videoHeight }}
        nativeControls
        contentFit="contain"
      />
      <Label heading>Audio</Label>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel="Audio track">
        {audioTracks.length === 0 && <Label muted>One audio track.</Label>}
        {audioTracks.map((track) => (
          <Button
            key={`${track.language}-${track.label}`}
            label={`Audio: ${track.label || track.language}`}
            tone="secondary"
            selected={same(audioTrack, track)}
            onPress={() => chooseAudio(player, track)}
          />
        ))}
      </View>
      <Label heading>Subtitles</Label>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel="Subtitles">
        <Button
          label="Subtitles: off"
          tone="secondary"
          selected={subtitleTrack === null}
          onPress={() => chooseSubtitles(player, null)}
        />
        {subtitleTracks.map((track) => (
          <Button
            key={`${track.language}-${track.label}`}
            label={`Subtitles: ${track.label || track.language}`}
            tone="secondary"
            selected={same(subtitleTrack, track)}
            onPress={() => chooseSubtitles(player, track)}
          />
        ))}
      </View>
    </View>
  );
}

export default function WatchScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const { credentials } = useSession();
  const job = useJob(id);
  const finished = (job.data?.languages ?? []).filter((language) => language.outputs !== null);
  // The master playlist grows as languages finish: a new one brings their tracks to the player.
  const playback = usePlayback(
    id,
    job.data?.playbackAvailable ?? false,
    finished.map((language) => language.language),
  );
  const absolute = (url: string) => new URL(url, credentials?.server).toString();

  return (
    <Screen>
      <ScrollView contentContainerStyle={{ gap: 12 }}>
        {playback.error !== null && <ProblemNotice error={playback.error} />}
        {playback.data === undefined ? (
          <Label muted>Loading…</Label>
        ) : (
          <Player url={absolute(playback.data.url)} />
        )}
        <Label heading>Downloads</Label>
        {job.data?.languages.map(({ language, outputs }) =>
          outputs === null ? null : (
            <View key={language} style={styles.row}>
              <Button
                label={`Download ${language} MP4`}
                tone="secondary"
                onPress={() => void download(absolute(outputs.mp4Url), `${id}-${language}.mp4`)}
              />
              <Button
                label={`Download ${language} SRT`}
                tone="secondary"
                onPress={() => void download(absolute(outputs.srtUrl), `${id}-${language}.srt`)}
              />
            </View>
          ),
        )}
      </ScrollView>
    </Screen>
  );
}
