import { asProblem, type LogLine, STAGE_LABELS, STAGES } from "@dubflow/shared";
import { Button, Code, Group, Select, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";

import { type LogFilters, useJobLogs } from "../api/queries";
import { ProblemAlert } from "./ProblemAlert";
import { TableScroll } from "./TableScroll";

const LEVEL_COLORS: Record<string, string> = { error: "red", warning: "orange", critical: "red" };

// On every line, and said already by the page (the job) or the columns (stage, language).
const SHOWN_ELSEWHERE = new Set(["jobId", "asset", "partition"]);

function fieldsText(line: LogLine): string {
  return Object.entries(line.fields)
    .filter(([key]) => !SHOWN_ELSEWHERE.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
}

/** The job's structured log lines, oldest first, filterable by stage and language. */
export function LogsPanel({
  jobId,
  languages,
  jobActive,
}: {
  jobId: string;
  languages: string[];
  jobActive: boolean;
}) {
  const [filters, setFilters] = useState<LogFilters>({ stage: null, language: null });
  const logs = useJobLogs(jobId, filters, jobActive);
  const lines = logs.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <Group>
        <Select
          label="Stage"
          data={[
            { value: "", label: "All stages" },
            ...STAGES.map((stage) => ({ value: stage, label: STAGE_LABELS[stage] })),
          ]}
          value={filters.stage ?? ""}
          onChange={(stage) => setFilters({ ...filters, stage: stage || null })}
          allowDeselect={false}
        />
        <Select
          label="Language"
          data={[{ value: "", label: "All languages" }, ...languages]}
          value={filters.language ?? ""}
          onChange={(language) => setFilters({ ...filters, language: language || null })}
          allowDeselect={false}
        />
      </Group>
      {logs.error && <ProblemAlert problem={asProblem(logs.error)} />}
      {logs.isSuccess && lines.length === 0 && (
        <Text c="dimmed">No log lines{jobActive ? " yet" : ""} for these filters.</Text>
      )}
      {lines.length > 0 && (
        <TableScroll label="Log lines" minWidth={800}>
          <Table fz="xs" striped aria-label="Log lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Level</Table.Th>
                <Table.Th>Stage</Table.Th>
                <Table.Th>Lang</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((line, index) => (
                // Lines have no id; their position in the job's log never changes.
                <Table.Tr key={index}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {new Date(line.timestamp).toLocaleTimeString()}
                  </Table.Td>
                  <Table.Td c={LEVEL_COLORS[line.level] ?? "inherit"}>{line.level}</Table.Td>
                  <Table.Td>{line.stage}</Table.Td>
                  <Table.Td>{line.language}</Table.Td>
                  <Table.Td>
                    <Code>{line.event}</Code>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: "break-word" }}>
                    {line.durationMs !== null && `${Math.round(line.durationMs)} ms `}
                    {fieldsText(line)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      {logs.hasNextPage && (
        <Group>
          <Button
            variant="default"
            loading={logs.isFetchingNextPage}
            onClick={() => void logs.fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
