import {
  formatDateTime,
  formatPercent,
  formatSeconds,
  STAGE_LABELS,
  type StageAttempt,
  type StageState,
  STATUS_COLORS,
} from "@dubflow/shared";
import { Anchor, Code, Progress, Table, Text } from "@mantine/core";
import { Fragment, useState } from "react";

import { StatusBadge } from "./StatusBadge";
import { TableScroll } from "./TableScroll";

function AttemptHistory({ attempts }: { attempts: StageAttempt[] }) {
  return (
    <Table fz="xs" withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Attempt</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Started</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>Waited before</Table.Th>
          <Table.Th>Worker</Table.Th>
          <Table.Th>Error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {attempts.map((attempt) => (
          <Table.Tr key={`${attempt.runId}-${attempt.attempt}`}>
            <Table.Td>{attempt.attempt}</Table.Td>
            <Table.Td>
              <StatusBadge status={attempt.status} />
            </Table.Td>
            <Table.Td>{formatDateTime(attempt.startedAt)}</Table.Td>
            <Table.Td>{formatSeconds(attempt.durationSeconds)}</Table.Td>
            <Table.Td>{formatSeconds(attempt.waitSeconds)}</Table.Td>
            <Table.Td>
              <Code>{attempt.worker}</Code>
            </Table.Td>
            <Table.Td>{attempt.errorCode && <Code>{attempt.errorCode}</Code>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Each stage of one scope (the job's own stages, or one language's): where it stands. */
export function StagePanel({ stages, label }: { stages: StageState[]; label: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    // Fixed widths, so the tables of the job and of each language line up.
    <TableScroll label={label} minWidth={760}>
      <Table aria-label={label} verticalSpacing="xs" highlightOnHover layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="16%">Stage</Table.Th>
            <Table.Th w="16%">Status</Table.Th>
            <Table.Th w="18%">Progress</Table.Th>
            <Table.Th w="9%">Attempts</Table.Th>
            <Table.Th w="9%">Duration</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {stages.map((stage) => (
            <Fragment key={stage.stage}>
              <Table.Tr data-stage={stage.stage} data-status={stage.status}>
                <Table.Td>{STAGE_LABELS[stage.stage]}</Table.Td>
                <Table.Td>
                  <StatusBadge status={stage.status} />
                </Table.Td>
                <Table.Td>
                  <Progress
                    value={stage.progress * 100}
                    color={STATUS_COLORS[stage.status]}
                    animated={stage.status === "running"}
                    aria-label={`${STAGE_LABELS[stage.stage]} progress`}
                  />
                  <Text size="xs" c="dimmed">
                    {formatPercent(stage.progress)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {stage.history.length > 0 ? (
                    <Anchor
                      component="button"
                      size="sm"
                      onClick={() => setOpen(open === stage.stage ? null : stage.stage)}
                      aria-expanded={open === stage.stage}
                    >
                      {stage.attempt} {open === stage.stage ? "▴" : "▾"}
                    </Anchor>
                  ) : (
                    stage.attempt
                  )}
                </Table.Td>
                <Table.Td>{formatSeconds(stage.durationSeconds)}</Table.Td>
                <Table.Td>
                  {stage.errorCode && (
                    <Text size="sm" c="red">
                      <Code>{stage.errorCode}</Code> {stage.errorMessage}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
              {open === stage.stage && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <AttemptHistory attempts={stage.history} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
  );
}
