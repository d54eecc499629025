/**
 * The signed-in app follows `GET /v1/events`: each event refreshes the job it names and the job
 * list, and a job that succeeds or fails is announced with a local notification. While the stream
 * is down the queries poll (`ACTIVE_POLL_MS`).
 */
import { followEvents } from "@dubflow/shared";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

import { isFinished, notifyJobFinished } from "./notifications";
import { useApi } from "./session";

const LiveContext = createContext(false);

export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    const stop = new AbortController();
    void followEvents(
      api,
      {
        onOpen: () => {
          setLive(true);
          void queryClient.invalidateQueries({ queryKey: ["jobs"] });
          void queryClient.invalidateQueries({ queryKey: ["job"] });
        },
        onDrop: () => setLive(false),
        onEvent: ({ data }) => {
          void queryClient.invalidateQueries({ queryKey: ["job", data.jobId] });
          void queryClient.invalidateQueries({ queryKey: ["jobs"] });
          if (data.type === "job.status" && isFinished(data.status)) {
            void notifyJobFinished(data.jobId, data.status);
          }
        },
      },
      stop.signal,
    );
    return () => stop.abort();
  }, [api, queryClient]);

  return <LiveContext value={live}>{children}</LiveContext>;
}

/** Whether live events arrive now (queries then need not poll). */
export function useLiveEvents(): boolean {
  return useContext(LiveContext);
}
