/**
 * The web app's own server state through TanStack Query, next to the hooks both apps share
 * (`@dubflow/shared`: jobs, catalogue, playback, job changes): the job list a page at a time,
 * logs, the signed-in user and the editor's units. A job still queued or running follows the
 * live event stream, or is polled while it is down.
 */
import {
  ACTIVE_POLL_MS,
  CATALOGUE_STALE_MS,
  type ClientResult,
  isActive,
  type JobFilters,
  JOBS_PAGE_SIZE,
  type PresetWrite,
  type StageName,
  unwrap,
  useApiClient,
  useJobMutation,
  useLanguages,
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

export const LOGS_PAGE_SIZE = 200;

export interface LogFilters {
  stage: StageName | null;
  language: string | null;
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
  const api = useApiClient();
  return useQuery({
    queryKey: ["me"],
    queryFn: () => unwrap(api.GET("/v1/me")),
    staleTime: 60_000,
  });
}

/** The voices this installation can speak with, per language (`GET /v1/voices`). */
export function useVoices() {
  const api = useApiClient();
  return useQuery({
    queryKey: ["voices"],
    queryFn: () => unwrap(api.GET("/v1/voices")),
    staleTime: CATALOGUE_STALE_MS,
  });
}

/** One of the user's presets with its version, to edit it. */
export function usePreset(presetId: string) {
  const api = useApiClient();
  return useQuery({
    queryKey: ["presets", presetId],
    queryFn: () =>
      versioned(api.GET("/v1/presets/{preset_id}", { params: { path: { preset_id: presetId } } })),
  });
}

/** Create a preset (no `id`) or replace one at the version it was read (`etag`). */
export function useSavePreset() {
  const api = useApiClient();
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
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/presets/{preset_id}", { params: { path: { preset_id: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["presets"] }),
  });
}

export function useJobPage(filters: JobFilters, cursor: string | null) {
  const api = useApiClient();
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

/** The job's log lines page by page; while the job runs, the pages already read are refreshed. */
export function useJobLogs(jobId: string, filters: LogFilters, jobActive: boolean) {
  const api = useApiClient();
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
  const api = useApiClient();
  return useQuery({
    queryKey: ["job", jobId, "units", null],
    queryFn: () =>
      versioned(api.GET("/v1/jobs/{job_id}/units", { params: { path: { job_id: jobId } } })),
  });
}

/** A language's translated units, versioned. */
export function useTranslatedUnits(jobId: string, language: string) {
  const api = useApiClient();
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
  const api = useApiClient();
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
  const api = useApiClient();
  return useJobMutation(jobId, (languages: string[]) =>
    unwrap(
      api.POST("/v1/jobs/{job_id}/redub", {
        params: { path: { job_id: jobId } },
        body: { languages },
      }),
    ),
  );
}
