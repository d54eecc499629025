import { type JobStatus, type StageStatus, STATUS_COLORS } from "@dubflow/shared";
import { Badge } from "@mantine/core";

export function StatusBadge({ status }: { status: JobStatus | StageStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant={status === "running" ? "filled" : "light"}>
      {status}
    </Badge>
  );
}
