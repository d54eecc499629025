/** Server state through TanStack Query, polled while a job moves and no live stream is open. */
import {
  idempotencyKey,
  isActive,
  type JobCreate,
  type JobStatus,
  type StageName,
  type TargetSpec,
  unwrap,
  useJobMutation,
  useLiveEvents,
} from "@dubflow/shared";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useApi } from "./session";

export const ACTIVE_POLL_MS = 2000;
export const JOBS_PAGE_SIZE = 20;

export interface JobFilters {
  status: JobStatus | null;
  language: string | null;
  /** Jobs created on or after this day (`YYYY-MM-DD`). */
  createdAfter: string | null;
}

export function useJobList(filters: JobFilters) {
  const api = useApi();
  const live = useLiveEvents();
  return useInfiniteQuery({
    queryKey: ["jobs", filters],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/jobs", {
          params: { query: { ...filters, cursor: pageParam, limit: JOBS_PAGE_SIZE } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: (query) =>
      !live &&
      query.state.data?.pages.some((page) => page.items.some((job) => isActive(job.status)))
        ? ACTIVE_POLL_MS
        : false,
  });
}

export function useJob(jobId: string) {
  const api = useApi();
  const live = useLiveEvents();
  return useQuery({
    queryKey: ["job", jobId],
    queryFn: () => unwrap(api.GET("/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
    refetchInterval: (query) =>
      !live && (query.state.data === undefined || isActive(query.state.data.status))
        ? ACTIVE_POLL_MS
        : false,
  });
}

export function useJobQuality(jobId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["job", jobId, "quality"],
    queryFn: () =>
      unwrap(api.GET("/v1/jobs/{job_id}/quality", { params: { path: { job_id: jobId } } })),
    enabled,
  });
}

export function usePlayback(jobId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["job", jobId, "playback"],
    queryFn: () =>
      unwrap(api.GET("/v1/jobs/{job_id}/playback", { params: { path: { job_id: jobId } } })),
    staleTime: Infinity,
    retry: false,
  });
}

const CATALOGUE_STALE_MS = 5 * 60_000;

export function useCatalogue() {
  const api = useApi();
  const languages = useQuery({
    queryKey: ["languages"],
    queryFn: () => unwrap(api.GET("/v1/languages")),
    staleTime: CATALOGUE_STALE_MS,
  });
  const presets = useQuery({
    queryKey: ["presets"],
    queryFn: () => unwrap(api.GET("/v1/presets")),
    staleTime: CATALOGUE_STALE_MS,
  });
  return {
    languages: languages.data,
    presets: presets.data,
    error: languages.error ?? presets.error,
  };
}

export function useCancelJob(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, () =>
    unwrap(api.DELETE("/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
  );
}

export function useRetryJob(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, (resumeFrom: StageName) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/retry", {
        params: { path: { job_id: jobId } },
        body: { resumeFrom },
      }),
    ),
  );
}

export function useAddLanguage(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, (target: TargetSpec) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/languages", {
        params: { path: { job_id: jobId } },
        body: { targets: [target] },
      }),
    ),
  );
}

export function useCreateJob() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: JobCreate) =>
      unwrap(
        api.POST("/v1/jobs", {
          params: { header: { "Idempotency-Key": idempotencyKey("job", body) } },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["jobs"] }),
  });
}
