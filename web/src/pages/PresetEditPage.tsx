import { asProblem, type PresetInfo, type PresetWrite, useLanguages } from "@dubflow/shared";
import { Loader, Stack, Title } from "@mantine/core";
import { useNavigate, useParams } from "react-router";

import { usePreset, useSavePreset, useVoices } from "../api/queries";
import { ProblemAlert } from "../components/ProblemAlert";
import { NEW_PRESET, PresetForm } from "../components/PresetForm";

function writable(preset: PresetInfo): PresetWrite {
  return {
    name: preset.name,
    description: preset.description,
    maxEngineRate: preset.maxEngineRate,
    maxStretch: preset.maxStretch,
    duckDb: preset.duckDb,
    backgroundGainDb: preset.backgroundGainDb,
    loudnessLufs: preset.loudnessLufs ?? null,
    subtitleMaxChars: preset.subtitleMaxChars,
    subtitleMaxLines: preset.subtitleMaxLines,
    voices: preset.voices,
  };
}

function Editor({ id, initial, etag }: { id: string | null; initial: PresetWrite; etag: string }) {
  const languages = useLanguages();
  const voices = useVoices();
  const save = useSavePreset();
  const navigate = useNavigate();
  const error = languages.error ?? voices.error;
  if (error) {
    return <ProblemAlert problem={asProblem(error)} />;
  }
  if (languages.data === undefined || voices.data === undefined) {
    return <Loader />;
  }
  return (
    <Stack>
      {save.error && (
        <ProblemAlert problem={asProblem(save.error)} title="The preset was not saved" />
      )}
      <PresetForm
        initial={initial}
        languages={languages.data}
        voices={voices.data}
        submitLabel={id === null ? "Create preset" : "Save changes"}
        saving={save.isPending}
        onSubmit={(body) => {
          save.mutate({ id, etag, body }, { onSuccess: () => void navigate("/presets") });
        }}
      />
    </Stack>
  );
}

function ExistingPreset({ presetId }: { presetId: string }) {
  const preset = usePreset(presetId);
  if (preset.error) {
    return <ProblemAlert problem={asProblem(preset.error)} />;
  }
  if (preset.data === undefined) {
    return <Loader />;
  }
  return <Editor id={presetId} initial={writable(preset.data.data)} etag={preset.data.etag} />;
}

/** A new preset (`/presets/new`) or one of the user's (`/presets/:presetId`). */
export function PresetEditPage() {
  const { presetId } = useParams();
  const creating = presetId === undefined;
  return (
    <Stack>
      <Title order={1} size="h2">
        {creating ? "New preset" : "Edit preset"}
      </Title>
      {creating ? (
        <Editor id={null} initial={NEW_PRESET} etag="" />
      ) : (
        <ExistingPreset presetId={presetId} />
      )}
    </Stack>
  );
}
