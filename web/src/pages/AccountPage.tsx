import { Group, Loader, Paper, Progress, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

import { asProblem } from "../api/problem";
import { useMe } from "../api/queries";
import type { QuotaState, RateLimitState } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";
import { TableScroll } from "../components/TableScroll";
import { formatBytes, formatSeconds } from "../format";

const QUOTA_LABELS: Record<string, string> = {
  uploadBytes: "Largest upload",
  storedBytes: "Storage (uploads and dubbed outputs)",
  concurrentJobs: "Jobs queued or running",
  queuedJobs: "Jobs waiting to start",
  mediaMinutesPerDay: "Minutes of video in 24 hours",
};

const RATE_LIMIT_LABELS: Record<string, string> = {
  writes: "Changes (uploads, jobs, retries)",
  authFailures: "Failed sign-ins from your address",
};

function amount(value: number, unit: QuotaState["unit"]): string {
  if (unit === "bytes") {
    return formatBytes(value);
  }
  if (unit === "minutes") {
    return `${value.toFixed(value < 10 ? 1 : 0)} min`;
  }
  return String(value);
}

function QuotaRow({ name, quota }: { name: string; quota: QuotaState }) {
  const label = QUOTA_LABELS[name] ?? name;
  // The largest upload is a limit per upload, not a running total.
  const perItem = name === "uploadBytes";
  const used = quota.limit > 0 ? Math.min(quota.usage / quota.limit, 1) : 1;
  return (
    <Table.Tr>
      <Table.Th scope="row" fw="normal">
        {label}
      </Table.Th>
      <Table.Td>{perItem ? "–" : amount(quota.usage, quota.unit)}</Table.Td>
      <Table.Td>{amount(quota.limit, quota.unit)}</Table.Td>
      <Table.Td w="30%">
        {!perItem && (
          <Progress
            value={used * 100}
            color={used >= 1 ? "red" : used >= 0.8 ? "orange" : "indigo"}
            aria-label={`${label}: ${Math.round(used * 100)}% used`}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function RateLimitRow({ name, limit }: { name: string; limit: RateLimitState }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" fw="normal">
        {RATE_LIMIT_LABELS[name] ?? name}
      </Table.Th>
      <Table.Td>
        {limit.limit} per {formatSeconds(limit.windowSeconds)}
      </Table.Td>
      <Table.Td>{limit.remaining}</Table.Td>
      <Table.Td>{formatSeconds(limit.resetSeconds)}</Table.Td>
    </Table.Tr>
  );
}

/** A card with a heading and a table (named after the heading) of one row per item. */
function TableSection({
  title,
  columns,
  rows,
}: {
  title: string;
  columns: string[];
  rows: ReactNode[];
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      <TableScroll label={`${title} table`} minWidth={520}>
        <Table aria-label={title}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column} scope="col">
                  {column}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{rows}</Table.Tbody>
        </Table>
      </TableScroll>
    </Paper>
  );
}

/** Who you are, what you may use and how much of it you use now (`GET /v1/me`). */
export function AccountPage() {
  const me = useMe();
  if (me.error) {
    return <ProblemAlert problem={asProblem(me.error)} />;
  }
  if (me.data === undefined) {
    return <Loader />;
  }
  const { email, name, role, quotas, rateLimits } = me.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        Account
      </Title>
      <Paper withBorder p="md" radius="md">
        <Group gap="xl">
          <Text>
            <Text span fw={700}>
              {name || email}
            </Text>
            {name && ` (${email})`}
          </Text>
          <Text c="dimmed">{role === "admin" ? "Administrator" : "User"}</Text>
        </Group>
      </Paper>
      <TableSection
        title="Quotas"
        columns={["Quota", "Used", "Limit", "Share used"]}
        rows={Object.entries(quotas).map(([key, quota]) => (
          <QuotaRow key={key} name={key} quota={quota} />
        ))}
      />
      <TableSection
        title="Rate limits"
        columns={["Requests", "Allowed", "Left now", "Window resets in"]}
        rows={Object.entries(rateLimits).map(([key, limit]) => (
          <RateLimitRow key={key} name={key} limit={limit} />
        ))}
      />
    </Stack>
  );
}
