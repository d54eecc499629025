import { asProblem, formatPercent, useJob, usePlayback } from "@dubflow/shared";
import { Alert, Anchor, Group, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { lazy, Suspense, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";

import { useLanguageName } from "../api/queries";
import { OutputLinks } from "../components/OutputLinks";
import { ProblemAlert } from "../components/ProblemAlert";

const VideoPlayer = lazy(() => import("../player/VideoPlayer"));

/** Plays the job's HLS stream with its audio and subtitle tracks; lists the downloads. */
export function WatchPage() {
  const { jobId = "" } = useParams();
  const [params] = useSearchParams();
  const job = useJob(jobId);
  const playable = job.data?.playbackAvailable ?? false;
  const finished = (job.data?.languages ?? []).filter((language) => language.outputs);
  // The master playlist grows as languages finish: a new one brings their tracks to the player.
  const playback = usePlayback(
    jobId,
    playable,
    finished.map((language) => language.language),
  );
  const [playerError, setPlayerError] = useState<string | null>(null);
  const languageName = useLanguageName();

  const onPlayerError = (message: string) => {
    const expiresAt = playback.data ? Date.parse(playback.data.expiresAt) : 0;
    if (Date.now() >= expiresAt) {
      // The signed URLs ran out (they last minutes): a fresh URL continues where it stopped.
      void playback.refetch();
    } else {
      setPlayerError(message);
    }
  };

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Watch
        </Title>
        <Anchor component={Link} to={`/jobs/${jobId}`}>
          Job {jobId}
        </Anchor>
      </Group>
      {job.error && <ProblemAlert problem={asProblem(job.error)} />}
      {job.data && !playable && (
        <Alert color="blue" title="Not playable yet">
          No language has finished yet ({formatPercent(job.data.progress)} done, {job.data.status}).
          This page starts the player as soon as one has.
        </Alert>
      )}
      {playback.error && <ProblemAlert problem={asProblem(playback.error)} />}
      {playerError && (
        <Alert color="red" title="The video could not be played">
          {playerError}
        </Alert>
      )}
      {playback.data && (
        <Paper withBorder p="md" radius="md">
          <Suspense fallback={<Loader />}>
            <VideoPlayer
              src={playback.data.url}
              initialLanguage={params.get("lang")}
              startAt={Number(params.get("t")) || 0}
              onError={onPlayerError}
            />
          </Suspense>
        </Paper>
      )}
      {finished.length > 0 && (
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            Downloads
          </Title>
          <Table aria-label="Downloads">
            <Table.Tbody>
              {finished.map(
                (language) =>
                  language.outputs && (
                    <Table.Tr key={language.language}>
                      <Table.Td w={140}>
                        <Text fw={600}>{languageName(language.language)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <OutputLinks language={language.language} outputs={language.outputs} />
                      </Table.Td>
                    </Table.Tr>
                  ),
              )}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
