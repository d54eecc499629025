/**
 * The live event stream of the signed-in app (`@dubflow/shared`), which also announces a job that
 * succeeds or fails with a local notification.
 */
import type { JobEvent } from "@dubflow/api-client";
import { LiveEventsProvider } from "@dubflow/shared";
import type { ReactNode } from "react";

import { isFinished, notifyJobFinished } from "./notifications";

function notifyFinished(event: JobEvent): void {
  if (event.type === "job.status" && isFinished(event.status)) {
    void notifyJobFinished(event.jobId, event.status);
  }
}

export function LiveEvents({ children }: { children: ReactNode }) {
  return <LiveEventsProvider onEvent={notifyFinished}>{children}</LiveEventsProvider>;
}
