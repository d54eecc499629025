import { ActionIcon, Button, Group, Select, Stack, Text } from "@mantine/core";

import {
  type Catalogue,
  type FormIssue,
  type LanguageInfo,
  languageLabel,
  type TargetChoice,
  unreachableReason,
} from "@dubflow/shared";

interface TargetsEditorProps {
  catalogue: Catalogue;
  source: string;
  targets: TargetChoice[];
  onChange: (targets: TargetChoice[]) => void;
  issues: FormIssue[];
  /** Languages the job already has (when adding languages to it). */
  existing?: readonly string[];
}

const DEFAULT_PRESET = "default";

/** What a server operator installs so a language sounds natural: a piper voice, where only
 * espeak-ng speaks it (docs/operations.md, "Installing more voices and models"); the API names
 * one (`suggestedDownload`), which then becomes the language's default voice. */
export function voiceHint(language: LanguageInfo): string | null {
  if (language.voices.some((voice) => voice.engine === "piper")) {
    return null;
  }
  return (
    `Only espeak-ng (robotic) speaks ${language.name} on this server: a natural voice needs ` +
    `\`dubflow models download piper ${language.suggestedDownload ?? "<voice>"}\` there.`
  );
}

/** Languages no installed engine translates into: NLLB-200 reaches every pair. */
export const NLLB_HINT =
  "Languages no installed engine translates into need NLLB-200 on the server: " +
  "`dubflow models download nllb`.";

/** Target languages, each with its preset; languages the engines cannot reach are disabled. */
export function TargetsEditor({
  catalogue,
  source,
  targets,
  onChange,
  issues,
  existing = [],
}: TargetsEditorProps) {
  const untranslatable = catalogue.languages.some(
    (language) => language.translatableFrom.length === 0,
  );
  const languageOptions = catalogue.languages
    .filter((language) => !existing.includes(language.code))
    .map((language) => {
      const reason = unreachableReason(catalogue, source, language);
      return {
        value: language.code,
        label: `${languageLabel(language)}${reason ? ` — ${reason}` : ""}`,
        disabled: reason !== null,
      };
    });
  const presetOptions = catalogue.presets.map((preset) => ({
    value: preset.name,
    label: preset.custom ? `${preset.name} (yours)` : preset.name,
  }));
  const update = (index: number, change: Partial<TargetChoice>) =>
    onChange(targets.map((target, i) => (i === index ? { ...target, ...change } : target)));
  const defaultPreset =
    catalogue.presets.find((preset) => preset.name === DEFAULT_PRESET)?.name ??
    catalogue.presets[0]?.name ??
    "";

  return (
    <Stack gap="sm">
      {targets.map((target, index) => {
        const rowIssues = issues.filter((issue) => issue.target === index);
        const preset = catalogue.presets.find((candidate) => candidate.name === target.preset);
        const language = catalogue.languages.find(
          (candidate) => candidate.code === target.language,
        );
        const hint = language ? voiceHint(language) : null;
        return (
          // Rows have no identity of their own; the index is what the issues refer to.
          <Stack key={index} gap={4}>
            {/* On a phone the preset and the remove button go under the language, keeping their text. */}
            <Group align="flex-end" gap="sm">
              <Select
                label={`Target language ${index + 1}`}
                placeholder="Choose a language"
                data={languageOptions}
                value={target.language || null}
                onChange={(language) => update(index, { language: language ?? "" })}
                searchable
                style={{ flex: "2 1 220px" }}
              />
              <Select
                label="Preset"
                data={presetOptions}
                value={target.preset || null}
                onChange={(name) => update(index, { preset: name ?? "" })}
                allowDeselect={false}
                style={{ flex: "1 1 120px" }}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                mb={2}
                aria-label={`Remove target language ${index + 1}`}
                onClick={() => onChange(targets.filter((_, i) => i !== index))}
              >
                ✕
              </ActionIcon>
            </Group>
            {preset && (
              <Text size="xs" c="dimmed">
                {preset.description}
              </Text>
            )}
            {hint && (
              <Text size="xs" c="dimmed">
                {hint}
              </Text>
            )}
            {rowIssues.map((issue) => (
              <Text key={issue.message} size="sm" c="red">
                {issue.message}
              </Text>
            ))}
          </Stack>
        );
      })}
      {issues
        .filter((issue) => issue.target === null)
        .map((issue) => (
          <Text key={issue.message} size="sm" c="red">
            {issue.message}
          </Text>
        ))}
      {untranslatable && (
        <Text size="xs" c="dimmed">
          {NLLB_HINT}
        </Text>
      )}
      <Group>
        <Button
          variant="light"
          onClick={() => onChange([...targets, { language: "", preset: defaultPreset }])}
        >
          Add a target language
        </Button>
      </Group>
    </Stack>
  );
}
