/**
 * The phone's job list: one list that grows as it scrolls (the web app pages it instead). Every
 * other resource is read through the hooks both apps share (`@dubflow/shared`).
 */
import {
  ACTIVE_POLL_MS,
  isActive,
  type JobFilters,
  JOBS_PAGE_SIZE,
  unwrap,
  useApiClient,
  useLiveEvents,
} from "@dubflow/shared";
import { useInfiniteQuery } from "@tanstack/react-query";

export interface JobListFilters extends JobFilters {
  /** Jobs created on or after this day (`YYYY-MM-DD`). */
  createdAfter: string | null;
}

export function useJobList(filters: JobListFilters) {
  const api = useApiClient();
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
