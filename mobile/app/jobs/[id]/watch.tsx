/**
 * Watch a job: the HLS master playlist through its signed URL, a choice of audio track (the
 * original or a dubbed language) and of subtitles (`TrackPlayer`: expo-video on a device,
 * video.js in the web build), and the downloads.
 */
import { useJob, usePlayback } from "@dubflow/shared";
import { useLocalSearchParams } from "expo-router";
import { ScrollView, View } from "react-native";

import { Button, Label, ProblemNotice, Screen, styles } from "../../../src/components/ui";
import { download } from "../../../src/downloads";
import { TrackPlayer } from "../../../src/player/TrackPlayer";
import { useSession } from "../../../src/session";

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
          <TrackPlayer url={absolute(playback.data.url)} />
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
