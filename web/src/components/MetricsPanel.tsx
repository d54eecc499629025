import { formatSeconds, type Job, STAGE_LABELS, type StageName, STAGES } from "@dubflow/shared";
import { Group, Progress, SimpleGrid, Stack, Text } from "@mantine/core";

import { Stat } from "./Stat";

/** Where the job's time went: wall clock, stage time in total and per stage. */
export function MetricsPanel({ metrics }: { metrics: NonNullable<Job["metrics"]> }) {
  const perStage = STAGES.filter((stage) => metrics.stageSeconds[stage] !== undefined).map(
    (stage: StageName) => ({ stage, seconds: metrics.stageSeconds[stage] ?? 0 }),
  );
  const longest = Math.max(...perStage.map((entry) => entry.seconds), 1e-9);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Stat label="Wall clock" value={formatSeconds(metrics.wallSeconds)} />
        <Stat label="Stage time (all languages)" value={formatSeconds(metrics.totalStageSeconds)} />
        <Stat label="Stage attempts" value={String(metrics.attempts)} />
      </SimpleGrid>
      <Stack gap={6} aria-label="Seconds per stage">
        {perStage.map(({ stage, seconds }) => (
          <Group key={stage} wrap="nowrap">
            <Text size="sm" w={140}>
              {STAGE_LABELS[stage]}
            </Text>
            <Progress
              value={(seconds / longest) * 100}
              aria-label={`${STAGE_LABELS[stage]}, against the longest stage`}
              style={{ flex: 1 }}
            />
            <Text size="sm" w={80} ta="right">
              {formatSeconds(seconds)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}
