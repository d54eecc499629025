import { asProblem, type TranslatedUnit } from "@dubflow/shared";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
} from "@mantine/core";
import { Fragment, useState } from "react";
import { Link } from "react-router";

import {
  useEditUnit,
  useLanguageName,
  useRedub,
  useSourceUnits,
  useTranslatedUnits,
} from "../api/queries";
import { ProblemAlert } from "./ProblemAlert";

/** "1:02.5": a unit's time in the video, to the tenth of a second. */
export function formatTimecode(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = (seconds - minutes * 60).toFixed(1).padStart(4, "0");
  return `${String(minutes)}:${rest}`;
}

/** `text` with every occurrence of the glossary's `terms` (any case) marked. */
export function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  if (terms.length === 0) {
    return <>{text}</>;
  }
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const parts = text.split(new RegExp(`(${escaped.join("|")})`, "gi"));
  const lowered = new Set(terms.map((term) => term.toLowerCase()));
  return (
    <>
      {parts.map((part, index) =>
        lowered.has(part.toLowerCase()) ? (
          <mark key={index} title="Glossary term">
            {part}
          </mark>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

interface EditableTextProps {
  label: string;
  text: string;
  terms: string[];
  saving: boolean;
  disabled: boolean;
  onSave: (text: string) => Promise<void>;
}

/** A unit's text, and an inline editor for it. */
export function EditableText({ label, text, terms, saving, disabled, onSave }: EditableTextProps) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <Group gap="xs" wrap="nowrap" justify="space-between" align="flex-start">
        <Text size="sm">
          <Highlighted text={text} terms={terms} />
        </Text>
        <Button
          size="compact-xs"
          variant="subtle"
          flex="none"
          aria-label={`Edit ${label}`}
          disabled={disabled}
          onClick={() => setDraft(text)}
        >
          Edit
        </Button>
      </Group>
    );
  }
  const save = async () => {
    try {
      await onSave(draft);
      setDraft(null);
    } catch {
      // The problem is shown by the editor; the draft stays for another try.
    }
  };
  return (
    <Stack gap={4}>
      <Textarea
        label={label}
        value={draft}
        onChange={(event) => setDraft(event.currentTarget.value)}
        rows={3}
        maxLength={1000}
        data-autofocus
      />
      <Group gap="xs">
        <Button size="compact-sm" loading={saving} onClick={() => void save()}>
          Save
        </Button>
        <Button size="compact-sm" variant="default" onClick={() => setDraft(null)}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

function UnitState({ unit }: { unit: TranslatedUnit }) {
  return (
    <Group gap={4}>
      {unit.edited && <Badge variant="light">edited</Badge>}
      {unit.translationStale && (
        <Badge color="orange" variant="light">
          source changed: translated again on re-dub
        </Badge>
      )}
      {!unit.translationStale && unit.speechStale && (
        <Badge color="orange" variant="light">
          spoken again on re-dub
        </Badge>
      )}
    </Group>
  );
}

/** What a re-dub of `units` redoes, in words. */
export function redubSummary(units: TranslatedUnit[]): string {
  const translate = units.filter((unit) => unit.translationStale).length;
  const speak = units.filter((unit) => unit.translationStale || unit.speechStale).length;
  if (speak === 0) {
    return "Nothing changed since the last dub.";
  }
  const sentences = (count: number) => `${String(count)} sentence${count === 1 ? "" : "s"}`;
  const translated = translate > 0 ? `translates ${sentences(translate)} again, ` : "";
  const kept = units.length - speak;
  const keep = kept === 1 ? "keeps its" : "keep their";
  return `A re-dub ${translated}speaks ${sentences(speak)} again, then mixes and packages this language; the other ${sentences(kept)} ${keep} audio.`;
}

interface UnitEditorProps {
  jobId: string;
  languages: string[];
  /** Edits need a finished job: while it runs, the editor only shows. */
  editable: boolean;
}

/** The job's sentences side by side, source and translation, with their times: edit them
 * inline, play the dub from a sentence, and re-dub only what changed. */
export function UnitEditor({ jobId, languages, editable }: UnitEditorProps) {
  const [language, setLanguage] = useState(languages[0] ?? "");
  const languageName = useLanguageName();
  const source = useSourceUnits(jobId);
  const translated = useTranslatedUnits(jobId, language);
  const edit = useEditUnit(jobId);
  const redub = useRedub(jobId);
  const error = source.error ?? translated.error;

  if (error) {
    return <ProblemAlert problem={asProblem(error)} />;
  }
  if (source.data === undefined || translated.data === undefined) {
    return <Loader />;
  }
  const sourceUnits = new Map(source.data.data.units.map((unit) => [unit.id, unit]));
  const units = translated.data.data.units;
  const stale = units.some((unit) => unit.translationStale || unit.speechStale);
  const name = languageName(language);

  return (
    <Stack>
      <Group justify="space-between">
        {languages.length > 1 ? (
          <SegmentedControl
            aria-label="Language"
            data={languages.map((code) => ({ value: code, label: languageName(code) }))}
            value={language}
            onChange={setLanguage}
          />
        ) : (
          <Text fw={500}>{name}</Text>
        )}
        <Button
          disabled={!editable || !stale}
          loading={redub.isPending}
          onClick={() => redub.mutate([language])}
        >
          Re-dub changes
        </Button>
      </Group>
      <Text size="sm" c="dimmed" data-testid="redub-summary">
        {redubSummary(units)}
      </Text>
      {redub.data && (
        <Alert color="blue" title="Re-dub requested">
          {redub.data.languages
            .map(
              (plan) =>
                `${languageName(plan.language)}: sentences ${plan.resynthesize.join(", ")} are spoken again`,
            )
            .join("; ")}
          . Follow it on the Stages tab.
        </Alert>
      )}
      {redub.error && <ProblemAlert problem={asProblem(redub.error)} />}
      {edit.error && <ProblemAlert problem={asProblem(edit.error)} />}
      {/* On a phone the three columns are wider than the screen: they scroll, the page does not. */}
      <ScrollArea
        type="auto"
        viewportProps={{ tabIndex: 0, role: "group", "aria-label": `Sentences of ${name}` }}
      >
        <Table aria-label={`Sentences of ${name}`} verticalSpacing="sm" miw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Time</Table.Th>
              <Table.Th scope="col">Source</Table.Th>
              <Table.Th scope="col">{name}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {units.map((unit) => {
              const original = sourceUnits.get(unit.id);
              return (
                <Table.Tr key={unit.id} data-unit={unit.id}>
                  <Table.Td>
                    <Stack gap={2}>
                      <Text size="sm" ff="monospace">
                        {formatTimecode(unit.start)}–{formatTimecode(unit.end)}
                      </Text>
                      <Anchor
                        size="sm"
                        component={Link}
                        to={`/jobs/${jobId}/watch?lang=${language}&t=${String(unit.start)}`}
                        aria-label={`Play from here (${formatTimecode(unit.start)})`}
                      >
                        Play from here
                      </Anchor>
                    </Stack>
                  </Table.Td>
                  <Table.Td w="45%">
                    <EditableText
                      label={`source sentence at ${formatTimecode(unit.start)}`}
                      text={original?.text ?? unit.sourceText}
                      terms={unit.glossaryTerms}
                      saving={edit.isPending}
                      disabled={!editable}
                      onSave={(text) =>
                        edit.mutateAsync({
                          language: null,
                          id: unit.id,
                          text,
                          etag: source.data.etag,
                        })
                      }
                    />
                    {original?.edited && (
                      <Badge variant="light" mt={4}>
                        edited
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td w="45%">
                    <EditableText
                      label={`${name} sentence at ${formatTimecode(unit.start)}`}
                      text={unit.text}
                      terms={[]}
                      saving={edit.isPending}
                      disabled={!editable || unit.translationStale}
                      onSave={(text) =>
                        edit.mutateAsync({
                          language,
                          id: unit.id,
                          text,
                          etag: translated.data.etag,
                        })
                      }
                    />
                    <UnitState unit={unit} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Stack>
  );
}
