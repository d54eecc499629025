/**
 * Server state both apps read the same way, through TanStack Query: one hook per resource, on the
 * client of `<ApiClientProvider>`. A job that is still queued or running follows the live event
 * stream (`liveEvents.tsx`), or is polled while the stream is down, so screens update without a
 * reload. The job list stays with each app (the web app pages it, the phone scrolls it).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { Catalogue } from "../jobForm";
import { unwrap } from "../problem";
import { isActive } from "../status";
import type { JobCreate, JobStatus, StageName, TargetSpec } from "../types";
import { useApiClient } from "./apiClient";
import { useLiveEvents } from "./liveEvents";
import { useJobMutation } from "./useJobMutation";

/** How often a job that is still moving is asked for again when no live stream is open. */
export const ACTIVE_POLL_MS = 2000;
export const JOBS_PAGE_SIZE = 20;
export const CATALOGUE_STALE_MS = 5 * 60_000;

/** The job list's filters that both apps offer (the API takes more). */
export interface JobFilters {
  status: JobStatus | null;
  language: string | null;
}

export function useLanguages() {
  const api = useApiClient();
  return useQuery({
    queryKey: ["languages"],
    queryFn: () => unwrap(api.GET("/v1/languages")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

export function usePresets() {
  const api = useApiClient();
  return useQuery({
    queryKey: ["presets"],
    queryFn: () => unwrap(api.GET("/v1/presets")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

/** What jobs may ask for: the languages and presets, once both have loaded. */
export function useCatalogue(): { catalogue: Catalogue | null; error: Error | null } {
  const languages = useLanguages();
  const presets = usePresets();
  const catalogue =
    languages.data && presets.data ? { languages: languages.data, presets: presets.data } : null;
  return { catalogue, error: languages.error ?? presets.error };
}

export function useJob(jobId: string) {
  const api = useApiClient();
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

/** The job's quality reports; while the job runs, languages fill in as their mixes are measured. */
export function useJobQuality(jobId: string, jobActive: boolean) {
  const api = useApiClient();
  return useQuery({
    queryKey: ["job", jobId, "quality"],
    queryFn: () =>
      unwrap(api.GET("/v1/jobs/{job_id}/quality", { params: { path: { job_id: jobId } } })),
    refetchInterval: jobActive ? ACTIVE_POLL_MS : false,
  });
}

/** The signed master playlist of the languages finished so far (`languages`: a new finished
 * language asks for a new one, which brings its tracks to the player). */
export function usePlayback(jobId: string, enabled: boolean, languages: string[]) {
  const api = useApiClient();
  return useQuery({
    queryKey: ["job", jobId, "playback", languages],
    queryFn: () =>
      unwrap(api.GET("/v1/jobs/{job_id}/playback", { params: { path: { job_id: jobId } } })),
    enabled,
    // A signed URL is good until it expires; the player asks for a new one when it does.
    staleTime: Infinity,
    retry: false,
  });
}

export function useCancelJob(jobId: string) {
  const api = useApiClient();
  return useJobMutation(jobId, () =>
    unwrap(api.DELETE("/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
  );
}

/** Delete a finished job's stored data (outputs, artifacts, logs); the job stays, as a record. */
export function useDeleteJobData(jobId: string) {
  const api = useApiClient();
  return useJobMutation(jobId, () =>
    unwrap(api.DELETE("/v1/jobs/{job_id}/data", { params: { path: { job_id: jobId } } })),
  );
}

/** Re-run from a stage, for the languages named (null: every language of the job). */
export function useRetryJob(jobId: string) {
  const api = useApiClient();
  return useJobMutation(jobId, (body: { resumeFrom: StageName; languages: string[] | null }) =>
    unwrap(api.POST("/v1/jobs/{job_id}/retry", { params: { path: { job_id: jobId } }, body })),
  );
}

export function useAddLanguages(jobId: string) {
  const api = useApiClient();
  return useJobMutation(jobId, (targets: TargetSpec[]) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/languages", {
        params: { path: { job_id: jobId } },
        body: { targets },
      }),
    ),
  );
}

/** `idempotencyKey`: the same for a repeated submit of the same form, so that it makes one job. */
export function useCreateJob() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: JobCreate; idempotencyKey: string }) =>
      unwrap(
        api.POST("/v1/jobs", {
          params: { header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["jobs"] }),
  });
}
