import type { InstalledVoice, LanguageInfo, PresetWrite } from "@dubflow/shared";
import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";

import { voiceHint } from "./TargetsEditor";

/** The bounds the API checks (docs/editing.md, "Custom presets"), so the form says them first. */
const BOUNDS = {
  maxEngineRate: [1, 2],
  maxStretch: [1, 2],
  duckDb: [0, 80],
  backgroundGainDb: [-30, 6],
  loudnessLufs: [-31, -14],
  subtitleMaxChars: [20, 80],
  subtitleMaxLines: [1, 3],
} as const;

export const NEW_PRESET: PresetWrite = {
  name: "",
  description: "",
  maxEngineRate: 1.25,
  maxStretch: 1.3,
  duckDb: 12,
  backgroundGainDb: 0,
  loudnessLufs: null,
  subtitleMaxChars: 42,
  subtitleMaxLines: 2,
  voices: {},
};

const DEFAULT_VOICE = "";

type NumberField = keyof typeof BOUNDS;

/** A preset's settings: speed caps, mix, subtitles, and a voice per language among the
 * installed ones (the language's default unless chosen). */
export function PresetForm({
  initial,
  languages,
  voices,
  submitLabel,
  saving,
  onSubmit,
}: {
  initial: PresetWrite;
  languages: readonly LanguageInfo[];
  voices: readonly InstalledVoice[];
  submitLabel: string;
  saving: boolean;
  onSubmit: (preset: PresetWrite) => void;
}) {
  const [preset, setPreset] = useState<PresetWrite>(initial);
  const set = (change: Partial<PresetWrite>) => setPreset((current) => ({ ...current, ...change }));
  const ownLoudness = preset.loudnessLufs !== null && preset.loudnessLufs !== undefined;

  const numberInput = (field: NumberField, label: string, step: number, unit = "") => {
    const [min, max] = BOUNDS[field];
    return (
      <NumberInput
        label={label}
        description={`${String(min)} to ${String(max)}${unit}`}
        min={min}
        max={max}
        step={step}
        decimalScale={2}
        clampBehavior="blur"
        value={preset[field] ?? ""}
        onChange={(value) => {
          if (typeof value === "number") {
            set({ [field]: value });
          }
        }}
      />
    );
  };

  const spoken = languages.filter((language) =>
    voices.some((voice) => voice.language === language.code),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ ...preset, name: preset.name.trim() });
  };

  return (
    <form onSubmit={submit} aria-label="Preset">
      <Stack>
        <TextInput
          label="Name"
          description="Letters, digits, spaces, dots, dashes; not a built-in preset's name"
          required
          maxLength={64}
          value={preset.name}
          onChange={(event) => set({ name: event.currentTarget.value })}
        />
        <Textarea
          label="Description"
          maxLength={500}
          rows={2}
          value={preset.description}
          onChange={(event) => set({ description: event.currentTarget.value })}
        />
        <Title order={2} size="h4">
          Timing
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {numberInput("maxEngineRate", "Voice speed-up, at most (×)", 0.05)}
          {numberInput("maxStretch", "Then time-stretch, at most (×)", 0.05)}
        </SimpleGrid>
        <Title order={2} size="h4">
          Mix
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {numberInput("duckDb", "Original lowered under the dub by (dB)", 1, " dB")}
          {numberInput("backgroundGainDb", "Original's level overall (dB)", 1, " dB")}
        </SimpleGrid>
        <Checkbox
          label="Own loudness target (otherwise the installation's)"
          checked={ownLoudness}
          onChange={(event) => set({ loudnessLufs: event.currentTarget.checked ? -16 : null })}
        />
        {ownLoudness && numberInput("loudnessLufs", "Loudness target (LUFS)", 1, " LUFS")}
        <Title order={2} size="h4">
          Subtitles
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {numberInput("subtitleMaxChars", "Characters per line, at most", 1)}
          {numberInput("subtitleMaxLines", "Lines per cue, at most", 1)}
        </SimpleGrid>
        <Title order={2} size="h4">
          Voices
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {spoken.map((language) => {
            const installed = voices.filter((voice) => voice.language === language.code);
            const fallback = installed.find((voice) => voice.default) ?? installed[0];
            return (
              <Select
                key={language.code}
                label={`${language.name} voice`}
                description={voiceHint(language)}
                allowDeselect={false}
                value={preset.voices[language.code] ?? DEFAULT_VOICE}
                data={[
                  { value: DEFAULT_VOICE, label: `Default (${fallback?.id ?? "none"})` },
                  ...installed.map((voice) => ({
                    value: voice.id,
                    label: `${voice.id}: ${voice.quality}`,
                  })),
                ]}
                onChange={(value) => {
                  const others = Object.entries(preset.voices).filter(
                    ([code]) => code !== language.code,
                  );
                  const chosen: [string, string][] =
                    value === null || value === DEFAULT_VOICE ? [] : [[language.code, value]];
                  set({ voices: Object.fromEntries([...others, ...chosen]) });
                }}
              />
            );
          })}
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
