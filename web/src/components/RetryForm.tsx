import {
  asProblem,
  type Job,
  type RetryPlan,
  STAGE_LABELS,
  type StageName,
  useRetryJob,
} from "@dubflow/shared";
import { Button, Checkbox, Group, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";

import { useLanguageName } from "../api/queries";
import { ProblemAlert } from "./ProblemAlert";

function planText(plan: RetryPlan): string[] {
  const lines = [];
  if (plan.jobStages.length > 0) {
    lines.push(`Whole video: ${plan.jobStages.map((stage) => STAGE_LABELS[stage]).join(", ")}`);
  }
  for (const [language, stages] of Object.entries(plan.languageStages)) {
    lines.push(`${language}: ${stages.map((stage) => STAGE_LABELS[stage]).join(", ")}`);
  }
  return lines;
}

/** "Retry from stage": a stage and the languages to re-run it (and what follows it) for. */
export function RetryForm({ job, onDone }: { job: Job; onDone: () => void }) {
  const languages = job.languages.map((language) => language.language);
  const stageGroups = [
    {
      group: "Whole video",
      items: job.stages.map((stage) => ({ value: stage.stage, label: STAGE_LABELS[stage.stage] })),
    },
    {
      group: "Per language",
      items: (job.languages[0]?.stages ?? []).map((stage) => ({
        value: stage.stage,
        label: STAGE_LABELS[stage.stage],
      })),
    },
  ];
  const failedStage =
    [...job.stages, ...job.languages.flatMap((language) => language.stages)].find(
      (stage) => stage.status === "failed",
    )?.stage ?? null;
  const [stage, setStage] = useState<StageName | null>(failedStage);
  const [chosen, setChosen] = useState<string[]>(languages);
  const retry = useRetryJob(job.id);
  const languageName = useLanguageName();

  if (retry.data) {
    return (
      <Stack>
        <Text>The job is queued again. Re-running:</Text>
        {planText(retry.data).map((line) => (
          <Text key={line} size="sm">
            {line}
          </Text>
        ))}
        <Group justify="flex-end">
          <Button onClick={onDone}>Close</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack>
      <Select
        label="Resume from stage"
        description="This stage and every stage after it run again; earlier results are reused."
        data={stageGroups}
        value={stage}
        onChange={setStage}
        placeholder="Choose a stage"
      />
      <Checkbox.Group label="Languages" value={chosen} onChange={setChosen}>
        <Group mt="xs">
          {languages.map((language) => (
            <Checkbox key={language} value={language} label={languageName(language)} />
          ))}
        </Group>
      </Checkbox.Group>
      {chosen.length === 0 && (
        <Text size="sm" c="red">
          Choose at least one language.
        </Text>
      )}
      {retry.error && <ProblemAlert problem={asProblem(retry.error)} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button
          disabled={stage === null || chosen.length === 0}
          loading={retry.isPending}
          onClick={() =>
            stage !== null &&
            retry.mutate({
              resumeFrom: stage,
              languages: chosen.length === languages.length ? null : chosen,
            })
          }
        >
          Retry
        </Button>
      </Group>
    </Stack>
  );
}
