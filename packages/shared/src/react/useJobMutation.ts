import { useMutation, useQueryClient } from "@tanstack/react-query";

/** A change to a job (cancel, retry, add languages): the job and the list are read again after. */
export function useJobMutation<Variables, Result>(
  jobId: string,
  mutate: (variables: Variables) => Promise<Result>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ["job", jobId] });
      await queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
  });
}
