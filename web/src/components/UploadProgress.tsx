import {
  CANCELLABLE,
  type ChunkedUpload,
  describeProblem,
  formatBytes,
  formatSeconds,
  type UploadSnapshot,
} from "@dubflow/shared";
import { Alert, Button, Group, List, Progress, Stack, Text } from "@mantine/core";

import { ProblemAlert } from "./ProblemAlert";

const PHASE_TEXT: Record<UploadSnapshot["phase"], string> = {
  idle: "Waiting",
  preparing: "Preparing the upload…",
  uploading: "Uploading",
  paused: "Paused",
  failed: "Some parts failed",
  completing: "Checking the file on the server…",
  completed: "Uploaded",
  error: "Upload stopped",
  cancelling: "Cancelling the upload…",
  cancelled: "Upload cancelled",
};

interface NextStep {
  label: string;
  run: () => void;
  variant: "filled" | "default";
}

/** What the upload offers to do next in a phase, if anything. */
function nextStep(phase: UploadSnapshot["phase"], upload: ChunkedUpload, onRestart: () => void) {
  const steps: Partial<Record<UploadSnapshot["phase"], NextStep>> = {
    uploading: { label: "Pause", run: () => upload.pause(), variant: "default" },
    paused: { label: "Resume", run: () => void upload.resume(), variant: "filled" },
    failed: {
      label: "Retry failed parts",
      run: () => void upload.retryFailed(),
      variant: "filled",
    },
    error: { label: "Try again", run: onRestart, variant: "default" },
  };
  return steps[phase] ?? null;
}

/**
 * The upload's progress and its controls: pause, resume, retry failed parts, start again,
 * cancel (until the parts are being assembled).
 */
export function UploadProgress({
  upload,
  snapshot,
  onRestart,
  onCancel,
}: {
  upload: ChunkedUpload;
  snapshot: UploadSnapshot;
  onRestart: () => void;
  onCancel: () => void;
}) {
  const { phase, parts, sentBytes, totalBytes } = snapshot;
  const sentParts = parts.filter((part) => part.status === "sent").length;
  const failed = parts.filter((part) => part.status === "failed");
  const fraction = totalBytes > 0 ? sentBytes / totalBytes : 0;
  const media = snapshot.result?.media;
  // One button whose label follows the phase (Pause becomes Resume): the same element, so
  // keyboard focus stays on it instead of falling back to the page.
  const next = nextStep(phase, upload, onRestart);

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={500}>{PHASE_TEXT[phase]}</Text>
        <Text size="sm" c="dimmed">
          {formatBytes(sentBytes)} of {formatBytes(totalBytes)}
          {parts.length > 0 && ` · ${sentParts} of ${parts.length} parts sent`}
        </Text>
      </Group>
      <Progress
        value={fraction * 100}
        color={
          phase === "error" || phase === "failed"
            ? "red"
            : phase === "completed"
              ? "teal"
              : phase === "cancelling" || phase === "cancelled"
                ? "gray"
                : "indigo"
        }
        animated={phase === "uploading" || phase === "completing"}
        aria-label="Upload progress"
        size="lg"
      />
      {snapshot.resumedParts > 0 && (
        <Text size="sm" c="dimmed">
          {phase === "completed" && parts.length === 0
            ? "This file was already uploaded: nothing to send."
            : `Resumed: ${snapshot.resumedParts} of ${parts.length} parts were already on the server.`}
        </Text>
      )}
      {media && (
        <Text size="sm" c="dimmed">
          {formatSeconds(media.durationSeconds)} · {media.width}×{media.height} · {media.videoCodec}{" "}
          / {media.audioCodec}
        </Text>
      )}
      {failed.length > 0 && (
        <Alert color="orange" title={`${failed.length} part(s) failed after several attempts`}>
          <List size="sm">
            {failed.map((part) => (
              <List.Item key={part.number}>
                Part {part.number}: {part.problem ? describeProblem(part.problem).message : ""}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {phase === "error" && snapshot.problem && <ProblemAlert problem={snapshot.problem} />}
      <Group>
        {next && (
          <Button variant={next.variant} onClick={next.run}>
            {next.label}
          </Button>
        )}
        {(CANCELLABLE.has(phase) || phase === "cancelling") && (
          <Button color="red" variant="light" loading={phase === "cancelling"} onClick={onCancel}>
            Cancel upload
          </Button>
        )}
      </Group>
    </Stack>
  );
}
