import {
  asProblem,
  AUTO,
  type ChunkedUpload,
  formatBytes,
  idempotencyKey,
  languageLabel,
  type TargetChoice,
  toTargetSpecs,
  useCatalogue,
  useCreateJob,
  validateTargets,
} from "@dubflow/shared";
import { Button, Group, Loader, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { useRef, useState } from "react";
import { useNavigate } from "react-router";

import { FileDrop, type FileDropHandle } from "../components/FileDrop";
import { ProblemAlert } from "../components/ProblemAlert";
import { TargetsEditor } from "../components/TargetsEditor";
import { UploadProgress } from "../components/UploadProgress";
import { useBrowserUpload } from "../upload/useBrowserUpload";

/** A new dub: upload a video (in parts, resumable) while choosing its languages and presets. */
export function UploadPage() {
  const { catalogue, error: catalogueError } = useCatalogue();
  const { upload, snapshot, begin, clear } = useBrowserUpload();
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState(AUTO);
  const [targets, setTargets] = useState<TargetChoice[]>([{ language: "", preset: "default" }]);
  const [tried, setTried] = useState(false);
  const createJob = useCreateJob();
  const navigate = useNavigate();
  const picker = useRef<FileDropHandle>(null);

  const issues = catalogue ? validateTargets(catalogue, source, targets) : [];
  const uploaded = snapshot?.phase === "completed" ? snapshot.result : null;

  const pick = (picked: File) => {
    setFile(picked);
    begin(picked);
  };

  /** Once the upload is cancelled the page is back to picking a file (unless one was picked since). */
  const cancel = async (cancelled: ChunkedUpload, picked: File | null) => {
    await cancelled.cancel();
    if (cancelled.snapshot().phase === "cancelled") {
      clear(cancelled);
      setFile((current) => (current === picked ? null : current));
      // The button that cancelled is gone: focus goes to what comes next, picking a file.
      picker.current?.focus();
    }
  };

  const submit = () => {
    setTried(true);
    if (uploaded === null || issues.length > 0) {
      return;
    }
    const body = { uploadId: uploaded.id, sourceLanguage: source, targets: toTargetSpecs(targets) };
    createJob.mutate(
      { body, idempotencyKey: idempotencyKey("job", body) },
      { onSuccess: (job) => void navigate(`/jobs/${job.id}`) },
    );
  };

  return (
    <Stack maw={860} mx="auto">
      <Title order={1} size="h2">
        New dub
      </Title>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Title order={2} size="h4">
            1. Video
          </Title>
          {file && (
            <Text>
              <Text span fw={600}>
                {file.name}
              </Text>{" "}
              <Text span c="dimmed">
                ({formatBytes(file.size)})
              </Text>
            </Text>
          )}
          {upload && snapshot && (
            <UploadProgress
              upload={upload}
              snapshot={snapshot}
              onRestart={() => file && pick(file)}
              onCancel={() => void cancel(upload, file)}
            />
          )}
          <FileDrop onFile={pick} compact={file !== null} ref={picker} />
        </Stack>
      </Paper>
      <Paper withBorder p="lg" radius="md">
        <Stack>
          <Title order={2} size="h4">
            2. Languages
          </Title>
          {catalogueError && <ProblemAlert problem={asProblem(catalogueError)} />}
          {catalogue === null && !catalogueError && <Loader size="sm" />}
          {catalogue && (
            <>
              <Select
                label="Spoken language of the video"
                description={
                  source === AUTO
                    ? "Detected from the speech; a target is dubbed if the engines translate from the detected language."
                    : undefined
                }
                data={[
                  { value: AUTO, label: "Detect automatically" },
                  ...catalogue.languages.map((language) => ({
                    value: language.code,
                    label: languageLabel(language),
                  })),
                ]}
                value={source}
                onChange={(value) => setSource(value ?? AUTO)}
                allowDeselect={false}
              />
              <TargetsEditor
                catalogue={catalogue}
                source={source}
                targets={targets}
                onChange={setTargets}
                issues={tried ? issues : []}
              />
            </>
          )}
        </Stack>
      </Paper>
      {createJob.error && <ProblemAlert problem={asProblem(createJob.error)} />}
      <Group justify="flex-end">
        {uploaded === null && (
          <Text size="sm" c="dimmed">
            {file === null ? "Pick a video first." : "Dubbing can start once the upload is done."}
          </Text>
        )}
        <Button
          size="md"
          onClick={submit}
          disabled={uploaded === null}
          loading={createJob.isPending}
        >
          Start dubbing
        </Button>
      </Group>
    </Stack>
  );
}
