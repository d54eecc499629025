/**
 * Server state through TanStack Query: one hook per resource. Jobs that are still queued or
 * running follow the live event stream (`LiveEvents.tsx`), or are polled while it is down, so
 * lists and details update without a reload.
 */
import {
  type Catalogue,
  type ClientResult,
  isActive,
  type JobCreate,
  type JobStatus,
  type PresetWrite,
  type StageName,
  type TargetSpec,
  unwrap,
  useJobMutation,
  useLiveEvents,
} from "@dubflow/shared";
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useCallback } from "react";

import { useApi } from "../auth/AuthProvider";

/** How often a job that is still moving is asked for again when no live stream is open. */
export const ACTIVE_POLL_MS = 2000;
export const JOBS_PAGE_SIZE = 20;
export const LOGS_PAGE_SIZE = 200;

export interface JobFilters {
  status: JobStatus | null;
  language: string | null;
}

export interface LogFilters {
  stage: StageName | null;
  language: string | null;
}

const CATALOGUE_STALE_MS = 5 * 60_000;

export function useLanguages() {
  const api = useApi();
  return useQuery({
    queryKey: ["languages"],
    queryFn: () => unwrap(api.GET("/v1/languages")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

/** A language's name ("Spanish" for "es"); its code until the catalogue has loaded. */
export function useLanguageName(): (code: string) => string {
  const languages = useLanguages();
  return useCallback(
    (code: string) => languages.data?.find((language) => language.code === code)?.name ?? code,
    [languages.data],
  );
}

/** The signed-in user: identity, role, quotas with usage, rate limits. Fresh on every visit of
 * the account page; elsewhere (the role) a minute old is fine. */
export function useMe() {
  const api = useApi();
  return useQuery({
    queryKey: ["me"],
    queryFn: () => unwrap(api.GET("/v1/me")),
    staleTime: 60_000,
  });
}

export function usePresets() {
  const api = useApi();
  return useQuery({
    queryKey: ["presets"],
    queryFn: () => unwrap(api.GET("/v1/presets")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

/** The voices this installation can speak with, per language (`GET /v1/voices`). */
export function useVoices() {
  const api = useApi();
  return useQuery({
    queryKey: ["voices"],
    queryFn: () => unwrap(api.GET("/v1/voices")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

/** One of the user's presets with its version, to edit it. */
export function usePreset(presetId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["presets", presetId],
    queryFn: () =>
      versioned(api.GET("/v1/presets/{preset_id}", { params: { path: { preset_id: presetId } } })),
  });
}

/** Create a preset (no `id`) or replace one at the version it was read (`etag`). */
export function useSavePreset() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, etag, body }: { id: string | null; etag: string; body: PresetWrite }) =>
      id === null
        ? unwrap(api.POST("/v1/presets", { body }))
        : unwrap(
            api.PUT("/v1/presets/{preset_id}", {
              params: { path: { preset_id: id }, header: { "if-match": etag } },
              body,
            }),
          ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["presets"] }),
  });
}

export function useDeletePreset() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/presets/{preset_id}", { params: { path: { preset_id: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["presets"] }),
  });
}

export function useJobPage(filters: JobFilters, cursor: string | null) {
  const api = useApi();
  const live = useLiveEvents();
  return useQuery({
    queryKey: ["jobs", filters, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/jobs", {
          params: { query: { ...filters, cursor, limit: JOBS_PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      !live && query.state.data?.items.some((job) => isActive(job.status)) ? ACTIVE_POLL_MS : false,
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

/** The job's log lines page by page; while the job runs, the pages already read are refreshed. */
export function useJobLogs(jobId: string, filters: LogFilters, jobActive: boolean) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["job", jobId, "logs", filters],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/jobs/{job_id}/logs", {
          params: {
            path: { job_id: jobId },
            query: { ...filters, cursor: pageParam, limit: LOGS_PAGE_SIZE },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: jobActive ? ACTIVE_POLL_MS : false,
  });
}

/** The job's quality reports; while the job runs, languages fill in as their mixes are measured. */
export function useJobQuality(jobId: string, jobActive: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["job", jobId, "quality"],
    queryFn: () =>
      unwrap(api.GET("/v1/jobs/{job_id}/quality", { params: { path: { job_id: jobId } } })),
    refetchInterval: jobActive ? ACTIVE_POLL_MS : false,
  });
}

export function usePlayback(jobId: string, enabled: boolean, languages: string[]) {
  const api = useApi();
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

/** What jobs may ask for: the languages and presets, once both have loaded. */
export function useCatalogue(): { catalogue: Catalogue | null; error: Error | null } {
  const languages = useLanguages();
  const presets = usePresets();
  const catalogue =
    languages.data && presets.data ? { languages: languages.data, presets: presets.data } : null;
  return { catalogue, error: languages.error ?? presets.error };
}

export function useCancelJob(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, () =>
    unwrap(api.DELETE("/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
  );
}

export function useRetryJob(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, (body: { resumeFrom: StageName; languages: string[] | null }) =>
    unwrap(api.POST("/v1/jobs/{job_id}/retry", { params: { path: { job_id: jobId } }, body })),
  );
}

export function useAddLanguages(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, (targets: TargetSpec[]) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/languages", {
        params: { path: { job_id: jobId } },
        body: { targets },
      }),
    ),
  );
}

export function useCreateJob() {
  const api = useApi();
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

/** A resource and the version it is at (its `ETag`): an edit sends it back as `If-Match`. */
export interface Versioned<T> {
  data: T;
  etag: string;
}

async function versioned<T>(call: Promise<ClientResult<T>>): Promise<Versioned<T>> {
  let etag = "";
  const data = await unwrap(
    call.then((result) => {
      etag = result.response.headers.get("ETag") ?? "";
      return result;
    }),
  );
  return { data, etag };
}

/** The job's source units, versioned. */
export function useSourceUnits(jobId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["job", jobId, "units", null],
    queryFn: () =>
      versioned(api.GET("/v1/jobs/{job_id}/units", { params: { path: { job_id: jobId } } })),
  });
}

/** A language's translated units, versioned. */
export function useTranslatedUnits(jobId: string, language: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["job", jobId, "units", language],
    queryFn: () =>
      versioned(
        api.GET("/v1/jobs/{job_id}/languages/{language}/units", {
          params: { path: { job_id: jobId, language } },
        }),
      ),
  });
}

export interface UnitEdit {
  /** null: the source; else the language whose translation is edited. */
  language: string | null;
  id: number;
  text: string;
  etag: string;
}

/** Correct one unit's text; every view of the job's units is read again, whatever happened. */
export function useEditUnit(jobId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ language, id, text, etag }: UnitEdit): Promise<void> => {
      const body = { edits: [{ id, text }] };
      const header = { "if-match": etag };
      if (language === null) {
        await unwrap(
          api.PATCH("/v1/jobs/{job_id}/units", {
            params: { path: { job_id: jobId }, header },
            body,
          }),
        );
      } else {
        await unwrap(
          api.PATCH("/v1/jobs/{job_id}/languages/{language}/units", {
            params: { path: { job_id: jobId, language }, header },
            body,
          }),
        );
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["job", jobId, "units"] }),
  });
}

export function useRedub(jobId: string) {
  const api = useApi();
  return useJobMutation(jobId, (languages: string[]) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/redub", {
        params: { path: { job_id: jobId } },
        body: { languages },
      }),
    ),
  );
}
