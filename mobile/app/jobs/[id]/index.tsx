/**
 * One job: its stages (live), errors with their codes, cancel, retry from a stage, add a
 * language, the quality summary of each language, and the way to watch it.
 */
import {
  formatMeasure,
  formatOffsetMs,
  formatPercent,
  isActive,
  type Job,
  type LanguageQuality,
  STAGE_LABELS,
  STAGES,
  type StageName,
  type StageState,
  useAddLanguages,
  useCancelJob,
  useCatalogue,
  useJob,
  useJobQuality,
  useRetryJob,
} from "@dubflow/shared";
import { router, useLocalSearchParams } from "expo-router";
import { useState } from "react";
import { ScrollView, View } from "react-native";

import {
  Button,
  Label,
  ProblemNotice,
  Screen,
  StatusPill,
  styles,
} from "../../../src/components/ui";
import { usePalette } from "../../../src/theme";

function StageRow({ stage }: { stage: StageState }) {
  return (
    <View style={{ gap: 2 }}>
      <View style={styles.row}>
        <Label>{STAGE_LABELS[stage.stage]}</Label>
        <StatusPill status={stage.status} />
        {stage.status === "running" && <Label muted>{formatPercent(stage.progress)}</Label>}
        {stage.attempt > 1 && <Label muted>attempt {stage.attempt}</Label>}
      </View>
      {stage.errorCode !== null && (
        <Label danger>
          {stage.errorMessage ?? "failed"} ({stage.errorCode})
        </Label>
      )}
    </View>
  );
}

function QualitySummary({ report }: { report: LanguageQuality }) {
  const summary = report.summary;
  if (summary === null) {
    return <Label muted>{report.language}: not measured yet</Label>;
  }
  return (
    <Label accessibilityLabel={`Quality of ${report.language}`}>
      {report.language}: {summary.units} units, median onset{" "}
      {formatOffsetMs(summary.medianOnsetOffset)}, coverage {formatPercent(summary.meanCoverage)},
      largest speed-up {formatMeasure(summary.maxSpeedRatio, "×", 2)}, loudness{" "}
      {formatMeasure(summary.loudnessLufs, "LUFS")}
    </Label>
  );
}

function Actions({ job }: { job: Job }) {
  const cancel = useCancelJob(job.id);
  const retry = useRetryJob(job.id);
  const addLanguage = useAddLanguages(job.id);
  const { catalogue } = useCatalogue();
  const [retrying, setRetrying] = useState(false);
  const [adding, setAdding] = useState(false);
  const active = isActive(job.status);
  const present = new Set(job.languages.map((language) => language.language));
  const addable = (catalogue?.languages ?? []).filter(
    (language) => !present.has(language.code) && language.code !== job.sourceLanguage,
  );
  const preset = catalogue?.presets[0]?.name;
  const error = cancel.error ?? retry.error ?? addLanguage.error;

  return (
    <View style={{ gap: 8 }}>
      <View style={styles.row}>
        {active && <Button label="Cancel job" tone="danger" onPress={() => cancel.mutate()} />}
        {!active && (
          <Button
            label="Retry from a stage…"
            tone="secondary"
            onPress={() => setRetrying(!retrying)}
          />
        )}
        {job.status === "succeeded" && (
          <Button label="Add a language…" tone="secondary" onPress={() => setAdding(!adding)} />
        )}
        {job.playbackAvailable && (
          <Button label="Watch" onPress={() => router.push(`/jobs/${job.id}/watch`)} />
        )}
      </View>
      {retrying && (
        <View style={styles.row} accessibilityLabel="Stage to retry from">
          {STAGES.map((stage: StageName) => (
            <Button
              key={stage}
              label={STAGE_LABELS[stage]}
              hint="Re-runs this stage and everything after it"
              tone="secondary"
              onPress={() => {
                setRetrying(false);
                retry.mutate({ resumeFrom: stage, languages: null });
              }}
            />
          ))}
        </View>
      )}
      {adding && preset !== undefined && (
        <View style={styles.row} accessibilityLabel="Language to add">
          {addable.map((language) => (
            <Button
              key={language.code}
              label={`Add ${language.name}`}
              tone="secondary"
              onPress={() => {
                setAdding(false);
                addLanguage.mutate([{ language: language.code, preset }]);
              }}
            />
          ))}
        </View>
      )}
      {error !== null && <ProblemNotice error={error} />}
    </View>
  );
}

export default function JobScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const job = useJob(id);
  const quality = useJobQuality(id, job.data !== undefined && isActive(job.data.status));
  const palette = usePalette();

  if (job.error !== null) {
    return (
      <Screen>
        <ProblemNotice error={job.error} />
      </Screen>
    );
  }
  if (job.data === undefined) {
    return (
      <Screen>
        <Label muted>Loading…</Label>
      </Screen>
    );
  }
  const data = job.data;
  return (
    <Screen>
      <ScrollView contentContainerStyle={{ gap: 12 }}>
        <View style={styles.row} testID="job-header">
          <Label heading>Job {data.id.slice(-8)}</Label>
          <StatusPill status={data.status} />
          <Label muted>{formatPercent(data.progress)}</Label>
        </View>
        {data.errorCode !== null && (
          <Label danger>
            {data.errorMessage ?? "The job failed"} ({data.errorCode})
          </Label>
        )}
        <Actions job={data} />
        <Label heading>Whole video</Label>
        {data.stages.map((stage) => (
          <StageRow key={stage.stage} stage={stage} />
        ))}
        {data.languages.map((language) => (
          <View
            key={language.language}
            style={{ gap: 6, borderTopWidth: 1, borderColor: palette.border, paddingTop: 8 }}
          >
            <View style={styles.row}>
              <Label heading>{language.language}</Label>
              <StatusPill status={language.status} />
              <Label muted>{language.preset}</Label>
            </View>
            {language.stages.map((stage) => (
              <StageRow key={stage.stage} stage={stage} />
            ))}
          </View>
        ))}
        {quality.data !== undefined && (
          <View style={{ gap: 6 }}>
            <Label heading>Quality</Label>
            {quality.data.languages.map((report) => (
              <QualitySummary key={report.language} report={report} />
            ))}
          </View>
        )}
      </ScrollView>
    </Screen>
  );
}
