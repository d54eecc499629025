/**
 * A new dub: pick a video (it uploads at once, in parts, with pause, resume, retry and cancel),
 * choose the spoken language and the targets with their presets from the API's catalogue, then
 * start the job.
 */
import {
  AUTO,
  CANCELLABLE,
  formatBytes,
  formatPercent,
  idempotencyKey,
  languageLabel,
  type TargetChoice,
  toTargetSpecs,
  useCatalogue,
  useCreateJob,
  validateTargets,
} from "@dubflow/shared";
import * as DocumentPicker from "expo-document-picker";
import { router } from "expo-router";
import { useState } from "react";
import { ScrollView, View } from "react-native";

import { Button, Label, ProblemNotice, Screen, styles } from "../src/components/ui";
import { usePalette } from "../src/theme";
import { useUpload } from "../src/upload/useUpload";

async function pickVideo() {
  const result = await DocumentPicker.getDocumentAsync({
    type: "video/*",
    copyToCacheDirectory: true,
  });
  const asset = result.canceled ? undefined : result.assets[0];
  if (asset === undefined) {
    return null;
  }
  return {
    uri: asset.uri,
    name: asset.name,
    size: asset.size ?? asset.file?.size ?? 0,
    mimeType: asset.mimeType ?? null,
    lastModified: asset.lastModified,
    file: asset.file,
  };
}

function UploadPanel({ upload }: { upload: ReturnType<typeof useUpload> }) {
  const { snapshot } = upload;
  const palette = usePalette();
  if (snapshot === null) {
    return null;
  }
  const fraction = snapshot.totalBytes === 0 ? 0 : snapshot.sentBytes / snapshot.totalBytes;
  const sent = snapshot.parts.filter((part) => part.status === "sent").length;
  return (
    <View style={{ gap: 8 }}>
      <Label accessibilityLabel={`Upload ${snapshot.phase}, ${formatPercent(fraction)}`}>
        {snapshot.phase}: {formatPercent(fraction)} of {formatBytes(snapshot.totalBytes)} ({sent}/
        {snapshot.parts.length} parts)
      </Label>
      <View
        accessibilityRole="progressbar"
        accessibilityLabel="Upload progress"
        accessibilityValue={{ min: 0, max: 100, now: Math.round(fraction * 100) }}
        style={{ height: 8, borderRadius: 4, backgroundColor: palette.surface }}
      >
        <View
          style={{
            height: 8,
            borderRadius: 4,
            width: `${Math.round(fraction * 100)}%`,
            backgroundColor: palette.accent,
          }}
        />
      </View>
      {snapshot.resumedParts > 0 && (
        <Label muted>Resumed: {snapshot.resumedParts} parts were already on the server.</Label>
      )}
      {snapshot.problem !== null && <ProblemNotice error={snapshot.problem} />}
      <View style={styles.row}>
        {snapshot.phase === "uploading" && (
          <Button label="Pause upload" tone="secondary" onPress={() => upload.upload?.pause()} />
        )}
        {snapshot.phase === "paused" && (
          <Button label="Resume upload" onPress={() => void upload.upload?.resume()} />
        )}
        {snapshot.phase === "failed" && (
          <Button label="Retry failed parts" onPress={() => void upload.upload?.retryFailed()} />
        )}
        {CANCELLABLE.has(snapshot.phase) && (
          <Button
            label="Cancel upload"
            tone="danger"
            onPress={() => {
              const current = upload.upload;
              void current?.cancel().then(() => {
                if (current.snapshot().phase === "cancelled") {
                  upload.clear();
                }
              });
            }}
          />
        )}
      </View>
    </View>
  );
}

export default function NewDubScreen() {
  const upload = useUpload();
  const { catalogue, error: catalogueError } = useCatalogue();
  const createJob = useCreateJob();
  const [source, setSource] = useState(AUTO);
  const [targets, setTargets] = useState<TargetChoice[]>([]);
  const [tried, setTried] = useState(false);
  const issues = catalogue === null ? [] : validateTargets(catalogue, source, targets);
  const uploaded = upload.snapshot?.phase === "completed" ? upload.snapshot.result : null;
  const defaultPreset = catalogue?.presets[0]?.name ?? "";

  const toggleTarget = (code: string) =>
    setTargets((current) =>
      current.some((target) => target.language === code)
        ? current.filter((target) => target.language !== code)
        : [...current, { language: code, preset: defaultPreset }],
    );
  const setPreset = (code: string, preset: string) =>
    setTargets((current) =>
      current.map((target) => (target.language === code ? { ...target, preset } : target)),
    );

  const submit = () => {
    setTried(true);
    if (uploaded === null || issues.length > 0) {
      return;
    }
    const body = { uploadId: uploaded.id, sourceLanguage: source, targets: toTargetSpecs(targets) };
    createJob.mutate(
      { body, idempotencyKey: idempotencyKey("job", body) },
      { onSuccess: (job) => router.replace(`/jobs/${job.id}`) },
    );
  };

  return (
    <Screen>
      <ScrollView contentContainerStyle={{ gap: 12 }}>
        <Label heading>1. Video</Label>
        <Button
          label={upload.snapshot === null ? "Pick a video" : "Pick another video"}
          hint="Opens your files; the video uploads at once"
          onPress={() =>
            void pickVideo().then((picked) => {
              if (picked !== null) {
                upload.begin(picked);
              }
            })
          }
        />
        <UploadPanel upload={upload} />

        <Label heading>2. Languages</Label>
        {catalogueError !== null && <ProblemNotice error={catalogueError} />}
        <Label>Spoken language</Label>
        <View
          style={styles.row}
          accessibilityRole="radiogroup"
          accessibilityLabel="Spoken language"
        >
          {[AUTO, ...(catalogue?.languages ?? []).map((language) => language.code)].map((code) => (
            <Button
              key={code}
              label={code === AUTO ? "Detect" : code}
              tone="secondary"
              selected={source === code}
              onPress={() => setSource(code)}
            />
          ))}
        </View>
        <Label>Dub into</Label>
        {(catalogue?.languages ?? []).map((language) => {
          const chosen = targets.find((target) => target.language === language.code);
          return (
            <View key={language.code} style={styles.row}>
              <Button
                label={languageLabel(language)}
                hint="Adds or removes this target language"
                tone="secondary"
                selected={chosen !== undefined}
                onPress={() => toggleTarget(language.code)}
              />
              {chosen !== undefined &&
                (catalogue?.presets ?? []).map((preset) => (
                  <Button
                    key={preset.name}
                    label={`${language.code}: ${preset.name}`}
                    hint={preset.description}
                    tone="secondary"
                    selected={chosen.preset === preset.name}
                    onPress={() => setPreset(language.code, preset.name)}
                  />
                ))}
            </View>
          );
        })}
        {tried &&
          issues.map((issue) => (
            <Label key={issue.message} danger>
              {issue.message}
            </Label>
          ))}
        {tried && uploaded === null && <Label muted>The video must finish uploading first.</Label>}
        {createJob.error !== null && <ProblemNotice error={createJob.error} />}
        <Button
          label={createJob.isPending ? "Starting…" : "Start dubbing"}
          disabled={createJob.isPending}
          onPress={submit}
        />
      </ScrollView>
    </Screen>
  );
}
