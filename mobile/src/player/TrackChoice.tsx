/** The audio and subtitle track buttons under the player, whichever player found the tracks. */
import { View } from "react-native";

import { Button, Label, styles } from "../components/ui";

export interface TrackButton {
  key: string;
  label: string;
  selected: boolean;
  choose: () => void;
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
      <Label heading>Audio</Label>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel="Audio track">
        {audio.length === 0 && <Label muted>One audio track.</Label>}
        {audio.map((track) => (
          <Button
            key={track.key}
            label={`Audio: ${track.label}`}
            tone="secondary"
            selected={track.selected}
            onPress={track.choose}
          />
        ))}
      </View>
      <Label heading>Subtitles</Label>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel="Subtitles">
        <Button
          label="Subtitles: off"
          tone="secondary"
          selected={subtitlesOff.selected}
          onPress={subtitlesOff.choose}
        />
        {subtitles.map((track) => (
          <Button
            key={track.key}
            label={`Subtitles: ${track.label}`}
            tone="secondary"
            selected={track.selected}
            onPress={track.choose}
          />
        ))}
      </View>
    </>
  );
}
