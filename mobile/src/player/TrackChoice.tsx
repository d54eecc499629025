/** The audio and subtitle track buttons under the player, whichever player found the tracks. */
import { View } from "react-native";

import { Button, Label, styles } from "../components/ui";

export interface TrackButton {
  key: string;
  label: string;
  selected: boolean;
  choose: () => void;
}

/** One kind of track: a heading, then a button per track ("Audio: Català"). */
function TrackGroup({
  kind,
  name,
  tracks,
  empty,
}: {
  kind: string;
  name: string;
  tracks: TrackButton[];
  empty: string | null;
}) {
  return (
    <>
      <Label heading>{kind}</Label>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel={name}>
        {tracks.length === 0 && empty !== null && <Label muted>{empty}</Label>}
        {tracks.map((track) => (
          <Button
            key={track.key}
            label={`${kind}: ${track.label}`}
            tone="secondary"
            selected={track.selected}
            onPress={track.choose}
          />
        ))}
      </View>
    </>
  );
}

export function TrackChoice({
  audio,
  subtitles,
  subtitlesOff,
}: {
  audio: TrackButton[];
  subtitles: TrackButton[];
  /** Whether no subtitles show, and the way to hide them. */
  subtitlesOff: Omit<TrackButton, "key" | "label">;
}) {
  return (
    <>
      <TrackGroup kind="Audio" name="Audio track" tracks={audio} empty="One audio track." />
      <TrackGroup
        kind="Subtitles"
        name="Subtitles"
        tracks={[{ key: "off", label: "off", ...subtitlesOff }, ...subtitles]}
        empty={null}
      />
    </>
  );
}
