import { type ApiProblem, describeProblem } from "@dubflow/shared";
import { Alert, List, Text } from "@mantine/core";

/** A problem as a person reads it: what happened, the server's specifics, and its code. */
export function ProblemAlert({ problem, title }: { problem: ApiProblem; title?: string }) {
  const { message, detail } = describeProblem(problem);
  return (
    <Alert color="red" title={title ?? message} role="alert">
      {title !== undefined && <Text size="sm">{message}</Text>}
      <Text size="sm" c="dimmed">
        {detail}{" "}
        <Text span ff="monospace" size="xs">
          ({problem.code})
        </Text>
      </Text>
      {problem.fieldErrors.length > 0 && (
        <List size="sm">
          {problem.fieldErrors.map((error) => (
            <List.Item key={error.loc.join(".")}>
              {error.loc.join(" › ")}: {error.msg}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
