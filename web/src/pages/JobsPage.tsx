import {
  asProblem,
  formatDateTime,
  formatPercent,
  JOB_STATUSES,
  type JobFilters,
  type JobStatus,
  STATUS_COLORS,
  useLanguages,
} from "@dubflow/shared";
import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useJobPage } from "../api/queries";
import { ProblemAlert } from "../components/ProblemAlert";
import { StatusBadge } from "../components/StatusBadge";
import { TableScroll } from "../components/TableScroll";

function filtersOf(params: URLSearchParams): JobFilters {
  const status = params.get("status");
  return {
    status: JOB_STATUSES.includes(status as JobStatus) ? (status as JobStatus) : null,
    language: params.get("language"),
  };
}

/** Your jobs, newest first: filters in the URL, cursor pages, live while any job moves. */
export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  // The cursors of the pages before this one (the API pages forward only).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useJobPage(filters, cursor);
  const languages = useLanguages();
  const navigate = useNavigate();

  const setFilter = (name: keyof JobFilters, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) {
      next.set(name, value);
    } else {
      next.delete(name);
    }
    setParams(next);
    setCursors([null]);
  };

  const jobs = page.data?.items ?? [];
  const nextCursor = page.data?.nextCursor ?? null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Jobs
        </Title>
        <Button component={Link} to="/upload">
          New dub
        </Button>
      </Group>
      <Group>
        <Select
          label="Status"
          data={[{ value: "", label: "Any status" }, ...JOB_STATUSES]}
          value={filters.status ?? ""}
          onChange={(value) => setFilter("status", value)}
          allowDeselect={false}
        />
        <Select
          label="Language"
          data={[
            { value: "", label: "Any language" },
            ...(languages.data ?? []).map((language) => ({
              value: language.code,
              label: language.name,
            })),
          ]}
          value={filters.language ?? ""}
          onChange={(value) => setFilter("language", value)}
          allowDeselect={false}
        />
        {page.isFetching && <Loader size="xs" mt="lg" />}
      </Group>
      {page.error && <ProblemAlert problem={asProblem(page.error)} />}
      {page.isSuccess && jobs.length === 0 && (
        <Text c="dimmed">
          {filters.status || filters.language ? (
            "No jobs match these filters."
          ) : (
            <>
              No jobs yet.{" "}
              <Anchor component={Link} to="/upload">
                Dub a video
              </Anchor>{" "}
              to start one.
            </>
          )}
        </Text>
      )}
      {jobs.length > 0 && (
        <TableScroll label="Jobs" minWidth={720}>
          <Table highlightOnHover aria-label="Jobs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>Job</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>Into</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w="20%">Progress</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {jobs.map((job) => (
                <Table.Tr
                  key={job.id}
                  data-job={job.id}
                  style={{ cursor: "pointer" }}
                  onClick={() => void navigate(`/jobs/${job.id}`)}
                >
                  <Table.Td>{formatDateTime(job.createdAt)}</Table.Td>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/jobs/${job.id}`}
                      ff="monospace"
                      size="sm"
                      onClick={(event) => event.stopPropagation()} // the row navigates too
                    >
                      {job.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{job.sourceLanguage}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {job.languages.map((language) => (
                        <Badge
                          key={language}
                          variant="outline"
                          size="sm"
                          // The text color, not the accent: on a hovered row (dark scheme) the
                          // accent's contrast falls below 4.5:1.
                          styles={{ label: { color: "var(--mantine-color-text)" } }}
                        >
                          {language}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={job.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress
                        value={job.progress * 100}
                        color={STATUS_COLORS[job.status]}
                        aria-label={`Progress of job ${job.id}`}
                        style={{ flex: 1 }}
                      />
                      <Text size="xs" w={36}>
                        {formatPercent(job.progress)}
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <Group justify="flex-end">
        <Button
          variant="default"
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          variant="default"
          disabled={nextCursor === null}
          onClick={() => setCursors([...cursors, nextCursor])}
        >
          Older
        </Button>
      </Group>
    </Stack>
  );
}
