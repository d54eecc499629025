import {
  asProblem,
  formatDateTime,
  formatPercent,
  isActive,
  type Job,
  type LanguageState,
  STATUS_COLORS,
  useCancelJob,
  useCatalogue,
  useJob,
} from "@dubflow/shared";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  List,
  Loader,
  Modal,
  Paper,
  Progress,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { useLanguageName, useMe } from "../api/queries";
import { AddLanguagesForm } from "../components/AddLanguagesForm";
import { LogsPanel } from "../components/LogsPanel";
import { MetricsPanel } from "../components/MetricsPanel";
import { OutputLinks } from "../components/OutputLinks";
import { ProblemAlert } from "../components/ProblemAlert";
import { QualityPanel } from "../components/QualityPanel";
import { RetryForm } from "../components/RetryForm";
import { StagePanel } from "../components/StagePanel";
import { StatusBadge } from "../components/StatusBadge";
import { UnitEditor } from "../components/UnitEditor";

function LanguageSection({ jobId, language }: { jobId: string; language: LanguageState }) {
  const languageName = useLanguageName();
  return (
    <Paper withBorder p="md" radius="md" data-language={language.language}>
      <Group justify="space-between" mb="xs">
        <Group>
          <Title order={2} size="h4">
            {languageName(language.language)}
          </Title>
          <Code>{language.language}</Code>
          <Badge variant="outline">preset {language.preset}</Badge>
          <StatusBadge status={language.status} />
          <Text size="sm" c="dimmed">
            {formatPercent(language.progress)}
          </Text>
        </Group>
        {language.outputs && (
          <Group>
            <OutputLinks language={language.language} outputs={language.outputs} />
            <Button
              size="xs"
              component={Link}
              to={`/jobs/${jobId}/watch?lang=${language.language}`}
            >
              Watch in {languageName(language.language)}
            </Button>
          </Group>
        )}
      </Group>
      <StagePanel stages={language.stages} label={`Stages of ${language.language}`} />
    </Paper>
  );
}

function Header({ job }: { job: Job }) {
  const cancel = useCancelJob(job.id);
  const [dialog, setDialog] = useState<"retry" | "languages" | null>(null);
  const { catalogue } = useCatalogue();
  const languageName = useLanguageName();
  const close = () => setDialog(null);
  const source =
    job.sourceLanguage === "auto"
      ? `speech detected as ${job.detectedLanguage ? languageName(job.detectedLanguage) : "…"}`
      : languageName(job.sourceLanguage);
  const targets = job.languages.map((language) => languageName(language.language)).join(", ");

  return (
    <Stack gap="xs" data-job-status={job.status}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group>
            <Title order={1} size="h2">
              Job
            </Title>
            <Code fz="md">{job.id}</Code>
            <StatusBadge status={job.status} />
          </Group>
          <Text size="sm" c="dimmed">
            From {source} into {targets} · created {formatDateTime(job.createdAt)}
            {job.finishedAt && ` · finished ${formatDateTime(job.finishedAt)}`}
          </Text>
        </Stack>
        <Group>
          {job.playbackAvailable ? (
            <Button component={Link} to={`/jobs/${job.id}/watch`}>
              Watch
            </Button>
          ) : (
            <Tooltip label="Playable once a language has finished">
              <Button disabled>Watch</Button>
            </Tooltip>
          )}
          {isActive(job.status) && (
            <Button
              color="red"
              variant="light"
              loading={cancel.isPending}
              onClick={() => cancel.mutate()}
            >
              Cancel
            </Button>
          )}
          {!isActive(job.status) && (
            <Button variant="default" onClick={() => setDialog("retry")}>
              Retry from stage…
            </Button>
          )}
          {job.status === "succeeded" && (
            <Button
              variant="default"
              onClick={() => setDialog("languages")}
              disabled={catalogue === null}
            >
              Add languages…
            </Button>
          )}
        </Group>
      </Group>
      <Progress
        value={job.progress * 100}
        color={STATUS_COLORS[job.status]}
        animated={isActive(job.status)}
        aria-label="Job progress"
        size="lg"
      />
      {cancel.error && <ProblemAlert problem={asProblem(cancel.error)} />}
      {job.errorCode && (
        <Alert color="red" title="The job failed">
          <Code>{job.errorCode}</Code> {job.errorMessage}
        </Alert>
      )}
      <Modal opened={dialog === "retry"} onClose={close} title="Retry from a stage" size="lg">
        <RetryForm job={job} onDone={close} />
      </Modal>
      <Modal opened={dialog === "languages"} onClose={close} title="Add languages" size="lg">
        {catalogue && <AddLanguagesForm job={job} catalogue={catalogue} onDone={close} />}
      </Modal>
    </Stack>
  );
}

/** One job: stages per language with attempts and errors, logs, metrics, runs, actions. */
export function JobDetailPage() {
  const { jobId = "" } = useParams();
  const job = useJob(jobId);
  // Dagster's UI is for operators: the API gives its links to admins only, so only they get the
  // tab (tenants would see an empty one).
  const isAdmin = useMe().data?.role === "admin";

  if (job.error) {
    return <ProblemAlert problem={asProblem(job.error)} />;
  }
  if (job.data === undefined) {
    return <Loader />;
  }
  const data = job.data;
  return (
    <Stack>
      <Header job={data} />
      <Tabs defaultValue="stages" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="stages">Stages</Tabs.Tab>
          <Tabs.Tab value="logs">Logs</Tabs.Tab>
          <Tabs.Tab value="quality">Quality</Tabs.Tab>
          <Tabs.Tab value="editor">Editor</Tabs.Tab>
          <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
          {isAdmin && <Tabs.Tab value="runs">Dagster runs ({data.dagsterRuns.length})</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="stages" pt="md">
          <Stack>
            <Paper withBorder p="md" radius="md">
              <Title order={2} size="h4" mb="xs">
                Whole video
              </Title>
              <StagePanel stages={data.stages} label="Stages of the whole video" />
            </Paper>
            {data.languages.map((language) => (
              <LanguageSection key={language.language} jobId={data.id} language={language} />
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="logs" pt="md">
          <LogsPanel
            jobId={data.id}
            languages={data.languages.map((language) => language.language)}
            jobActive={isActive(data.status)}
          />
        </Tabs.Panel>
        <Tabs.Panel value="quality" pt="md">
          <QualityPanel jobId={data.id} jobActive={isActive(data.status)} />
        </Tabs.Panel>
        <Tabs.Panel value="editor" pt="md">
          <UnitEditor
            jobId={data.id}
            languages={data.languages.map((language) => language.language)}
            editable={!isActive(data.status)}
          />
        </Tabs.Panel>
        <Tabs.Panel value="metrics" pt="md">
          {data.metrics ? (
            <MetricsPanel metrics={data.metrics} />
          ) : (
            <Text c="dimmed">No stage has finished yet.</Text>
          )}
        </Tabs.Panel>
        {isAdmin && (
          <Tabs.Panel value="runs" pt="md">
            {data.dagsterRuns.length === 0 ? (
              <Text c="dimmed">No run has started yet.</Text>
            ) : (
              <List>
                {data.dagsterRuns.map((run) => (
                  <List.Item key={run.runId}>
                    <Anchor href={run.url} target="_blank" rel="noreferrer" ff="monospace">
                      {run.runId}
                    </Anchor>
                  </List.Item>
                ))}
              </List>
            )}
            {data.logsKey && (
              <Text size="sm" c="dimmed" mt="md">
                Log archive of the latest run: <Code>{data.logsKey}</Code>
              </Text>
            )}
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
