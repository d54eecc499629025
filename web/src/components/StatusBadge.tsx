import { Badge } from "@mantine/core";

import type { JobStatus, StageStatus } from "../api/types";
import { STATUS_COLORS } from "../jobs/status";

export function StatusBadge({ status }: { status: JobStatus | StageStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant={status === "running" ? "filled" : "light"}>
      {status}
    </Badge>
  );
}
