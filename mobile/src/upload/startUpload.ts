/** Starts (or resumes) the upload of a picked video on a device: parts read from disk. */
import type { DubflowClient } from "@dubflow/api-client";
import { ChunkedUpload, clientUploadApi, storageResumeRecords } from "@dubflow/shared";

import { diskFile, type PickedFile, sendPartFromDisk } from "./diskUpload";
import { readRangeWithExpo } from "./readRange";
import { fileKeyValueStore } from "./resumeStore";

export function createUpload(api: DubflowClient, picked: PickedFile): ChunkedUpload<unknown> {
  return new ChunkedUpload(diskFile(picked), {
    api: clientUploadApi(api),
    sendPart: sendPartFromDisk(readRangeWithExpo),
    records: storageResumeRecords(fileKeyValueStore()),
  }) as ChunkedUpload<unknown>;
}
