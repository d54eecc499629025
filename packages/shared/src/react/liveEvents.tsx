/**
 * The signed-in app follows `GET /v1/events`: each event refreshes the job it names and the job
 * list, so screens update within a second of a stage change, and is handed to `onEvent` (the
 * mobile app notifies finished jobs). While the stream is down the queries poll, as they do
 * without it.
 */
import type { JobEvent } from "@dubflow/api-client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";

import { followEvents } from "../eventStream";
import { useApiClient } from "./apiClient";

const LiveContext = createContext(false);

/** Under a signed-in `<ApiClientProvider>`, whose client it follows the stream with. */
export function LiveEventsProvider({
  onEvent,
  children,
}: {
  onEvent?: (event: JobEvent) => void;
  children: ReactNode;
}) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  // A ref, so that a new handler does not reconnect the stream.
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

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
          handler.current?.(data);
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
