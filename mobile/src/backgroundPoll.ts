/**
 * While the app is in the background the event stream is closed: a background task asks
 * `GET /v1/jobs` for the jobs that were queued or running when last seen, and notifies those that
 * have since finished or failed. The system decides when it runs (every 15 minutes at best).
 */
import { isActive, type JobSummary, unwrap } from "@dubflow/shared";
import * as BackgroundTask from "expo-background-task";
import * as TaskManager from "expo-task-manager";
import { Platform } from "react-native";

import { isFinished, notifyJobFinished } from "./notifications";
import { clientFor, storedCredentials } from "./session";
import { readSecret, writeSecret } from "./secrets";

export const POLL_TASK = "dubflow.poll-jobs";
const WATCHED_KEY = "dubflow.watched-jobs";

/** The jobs to watch next time, and the ones to announce now. */
export function settle(
  watched: readonly string[],
  jobs: readonly JobSummary[],
): { watched: string[]; finished: JobSummary[] } {
  const finished = jobs.filter((job) => watched.includes(job.id) && isFinished(job.status));
  return { watched: jobs.filter((job) => isActive(job.status)).map((job) => job.id), finished };
}

export async function pollJobsOnce(): Promise<void> {
  const credentials = await storedCredentials();
  if (credentials === null) {
    return;
  }
  const page = await unwrap(
    clientFor(credentials).GET("/v1/jobs", { params: { query: { limit: 50 } } }),
  );
  const watched = JSON.parse((await readSecret(WATCHED_KEY)) ?? "[]") as string[];
  const next = settle(watched, page.items);
  for (const job of next.finished) {
    if (isFinished(job.status)) {
      await notifyJobFinished(job.id, job.status);
    }
  }
  await writeSecret(WATCHED_KEY, JSON.stringify(next.watched));
}

if (Platform.OS !== "web") {
  TaskManager.defineTask(POLL_TASK, async () => {
    try {
      await pollJobsOnce();
      return BackgroundTask.BackgroundTaskResult.Success;
    } catch {
      return BackgroundTask.BackgroundTaskResult.Failed;
    }
  });
}

export async function registerBackgroundPoll(): Promise<void> {
  if (Platform.OS === "web") {
    return;
  }
  await BackgroundTask.registerTaskAsync(POLL_TASK, { minimumInterval: 15 });
}
