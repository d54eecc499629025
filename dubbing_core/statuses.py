"""Job, language, stage and upload statuses: the one spelling of each (docs/architecture.md).

The API contract publishes these literals; the database stores them as plain strings.
"""

from typing import Literal

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
StageStatus = Literal["pending", "running", "retrying", "succeeded", "failed", "cancelled"]
UploadStatus = Literal["pending", "completed", "aborted", "rejected"]

# A job (or one of its languages) that is still to run or running, and one that has ended.
ACTIVE: tuple[JobStatus, ...] = ("queued", "running")
FINISHED: tuple[JobStatus, ...] = ("succeeded", "failed", "cancelled")
# A stage that has not ended: a cancel or a failure of its job ends it too.
UNFINISHED_STAGE: tuple[StageStatus, ...] = ("pending", "running", "retrying")
