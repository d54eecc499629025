/**
 * The signed-in app follows `GET /v1/events`: each event refreshes the job it names and the job
 * list, so pages update within a second of a stage change. While the stream is down the queries
 * poll (`ACTIVE_POLL_MS`), as they do without it.
 */
import { followEvents } from "@dubflow/shared";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

import { useApi } from "../auth/AuthProvider";

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
          // Whatever changed while the stream was not open.
          void queryClient.invalidateQueries({ queryKey: ["jobs"] });
          void queryClient.invalidateQueries({ queryKey: ["job"] });
        },
        onDrop: () => setLive(false),
        onEvent: ({ data }) => {
          void queryClient.invalidateQueries({ queryKey: ["job", data.jobId] });
          void queryClient.invalidateQueries({ queryKey: ["jobs"] });
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
