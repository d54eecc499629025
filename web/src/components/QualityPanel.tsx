import {
  asProblem,
  formatMeasure,
  formatOffsetMs,
  formatPercent,
  formatSeconds,
  type LanguageQuality,
  type QualitySummary,
  type QualityUnit,
  type UntranscribedRegion,
  useJobQuality,
} from "@dubflow/shared";
import { Loader, Paper, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";

import { useLanguageName } from "../api/queries";
import { ProblemAlert } from "./ProblemAlert";
import { QualityTimeline } from "./QualityTimeline";
import { SpeedRatioHistogram } from "./SpeedRatioHistogram";
import { Stat } from "./Stat";

function percentOrDash(fraction: number | null): string {
  return fraction === null ? "–" : formatPercent(fraction);
}

function SummaryStats({ summary }: { summary: QualitySummary }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }}>
      <Stat label="Onsets within 100 ms" value={formatPercent(summary.onsetWithin100ms)} />
      <Stat label="Median onset offset" value={formatOffsetMs(summary.medianOnsetOffset)} />
      <Stat label="Mean coverage" value={formatPercent(summary.meanCoverage)} />
      <Stat label="Largest speed-up" value={formatMeasure(summary.maxSpeedRatio, "x", 2)} />
      <Stat label="Units over their slot" value={`${summary.overflowUnits} of ${summary.units}`} />
      <Stat label="Original speech heard" value={percentOrDash(summary.leak)} />
      <Stat label="Mix loudness" value={formatMeasure(summary.loudnessLufs, "LUFS")} />
      <Stat label="Mix true peak" value={formatMeasure(summary.truePeakDbtp, "dBTP")} />
      <Stat label="Duration" value={formatSeconds(summary.duration)} />
    </SimpleGrid>
  );
}

function UnitTable({ label, units }: { label: string; units: QualityUnit[] }) {
  return (
    // The scrolling box takes keyboard focus (arrow keys scroll it), named after its table.
    <ScrollArea.Autosize
      mah={420}
      viewportProps={{ tabIndex: 0, role: "group", "aria-label": label }}
    >
      <Table aria-label={label} fz="sm" striped stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Unit</Table.Th>
            <Table.Th>Source speech</Table.Th>
            <Table.Th>Onset offset</Table.Th>
            <Table.Th>Coverage</Table.Th>
            <Table.Th>Speed ratio</Table.Th>
            <Table.Th>Overflow</Table.Th>
            <Table.Th>Original heard</Table.Th>
            <Table.Th>Loudness</Table.Th>
            <Table.Th>Text</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {units.map((unit) => (
            <Table.Tr key={unit.index} data-unit={unit.index}>
              <Table.Td>{unit.index + 1}</Table.Td>
              <Table.Td>
                {unit.sourceStart.toFixed(2)}–{unit.sourceEnd.toFixed(2)} s
              </Table.Td>
              <Table.Td>{formatOffsetMs(unit.onsetOffset)}</Table.Td>
              <Table.Td>{formatPercent(unit.coverage)}</Table.Td>
              <Table.Td>{formatMeasure(unit.speedRatio, "x", 2)}</Table.Td>
              <Table.Td>{formatMeasure(unit.overflow, "s", 2)}</Table.Td>
              <Table.Td>{percentOrDash(unit.leak)}</Table.Td>
              <Table.Td>{formatMeasure(unit.loudnessLufs, "LUFS")}</Table.Td>
              <Table.Td>
                <Text size="sm">{unit.text}</Text>
                <Text size="xs" c="dimmed">
                  {unit.sourceText}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}

const REASONS: Record<string, string> = {
  untranslatable: "no installed engine translates it",
  uncertain_language: "its language is uncertain",
};

/** Source speech no unit dubs: the mix ducks it; the viewer hears it quietly, untranslated. */
function Untranscribed({ regions }: { regions: UntranscribedRegion[] }) {
  const languageName = useLanguageName();
  return (
    <Stack gap={4}>
      <Title order={4} size="h5">
        Speech not dubbed (ducked)
      </Title>
      <ul aria-label="Speech not dubbed">
        {regions.map((region) => (
          <li key={region.start}>
            <Text size="sm">
              {`${region.start.toFixed(2)}–${region.end.toFixed(2)} s: ` +
                `${formatSeconds(region.speechSeconds)} of ${languageName(region.language)} ` +
                `speech (${region.language}), ${REASONS[region.reason] ?? region.reason}`}
            </Text>
          </li>
        ))}
      </ul>
    </Stack>
  );
}

function LanguageReport({ report }: { report: LanguageQuality }) {
  const languageName = useLanguageName();
  const name = languageName(report.language);
  return (
    <Paper withBorder p="md" radius="md" data-quality-language={report.language}>
      <Title order={3} size="h4" mb="sm">
        {name}
      </Title>
      {report.summary === null ? (
        <Text c="dimmed">Not measured yet: the report appears once the {name} mix is done.</Text>
      ) : (
        <Stack>
          <SummaryStats summary={report.summary} />
          {report.untranscribed?.length ? <Untranscribed regions={report.untranscribed} /> : null}
          <Title order={4} size="h5">
            Source speech and dub per unit
          </Title>
          <QualityTimeline
            label={`Timeline of ${name}: source speech and dub of ${report.units.length} units`}
            units={report.units}
            duration={report.summary.duration}
          />
          <Title order={4} size="h5">
            Speed ratios
          </Title>
          <SpeedRatioHistogram
            label={`Speed ratios of ${name}: ${report.units.length} units`}
            ratios={report.units.map((unit) => unit.speedRatio)}
          />
          <Title order={4} size="h5">
            Units
          </Title>
          <UnitTable label={`Units of ${report.language}`} units={report.units} />
        </Stack>
      )}
    </Paper>
  );
}

/** Per language, how the dub measures against the source speech, from the audio itself. */
export function QualityPanel({ jobId, jobActive }: { jobId: string; jobActive: boolean }) {
  const quality = useJobQuality(jobId, jobActive);
  if (quality.error) {
    return <ProblemAlert problem={asProblem(quality.error)} />;
  }
  if (quality.data === undefined) {
    return <Loader aria-label="Loading the quality report" />;
  }
  return (
    <Stack>
      {quality.data.languages.map((report) => (
        <LanguageReport key={report.language} report={report} />
      ))}
    </Stack>
  );
}
