/**
 * The player on a device: expo-video plays the HLS master playlist natively (AVPlayer,
 * ExoPlayer), which lists the playlist's audio renditions and subtitle tracks; the buttons
 * below it choose among them. The web build has its own (`TrackPlayer.web.tsx`).
 */
import { useEvent } from "expo";
import {
  type AudioTrack,
  type SubtitleTrack,
  useVideoPlayer,
  type VideoPlayer,
  VideoView,
} from "expo-video";
import { useWindowDimensions, View } from "react-native";

import { TrackChoice } from "./TrackChoice";

// expo-video's tracks are chosen by assigning to the player (outside the component: the player
// the hook returns is not to be modified in render code).
function chooseAudio(player: VideoPlayer, track: AudioTrack): void {
  player.audioTrack = track;
}

function chooseSubtitles(player: VideoPlayer, track: SubtitleTrack | null): void {
  player.subtitleTrack = track;
}

const same = (a: AudioTrack | SubtitleTrack | null, b: AudioTrack | SubtitleTrack) =>
  a !== null && a.language === b.language && a.label === b.label;

export function TrackPlayer({ url }: { url: string }) {
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

  return (
    <View style={{ gap: 12 }}>
      <VideoView
        player={player}
        accessibilityLabel="Dubbed video"
        style={{ width: "100%", height: videoHeight }}
        nativeControls
        contentFit="contain"
      />
      <TrackChoice
        audio={audioTracks.map((track) => ({
          key: `${track.language}-${track.label}`,
          label: track.label || track.language,
          selected: same(audioTrack, track),
          choose: () => chooseAudio(player, track),
        }))}
        subtitles={subtitleTracks.map((track) => ({
          key: `${track.language}-${track.label}`,
          label: track.label || track.language,
          selected: same(subtitleTrack, track),
          choose: () => chooseSubtitles(player, track),
        }))}
        subtitlesOff={{
          selected: subtitleTrack === null,
          choose: () => chooseSubtitles(player, null),
        }}
      />
    </View>
  );
}
