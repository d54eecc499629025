/** Starts (or resumes) the upload of a picked video in the web build: the browser's `File`. */
import type { DubflowClient } from "@dubflow/api-client";
import {
  ChunkedUpload,
  clientUploadApi,
  sendPartWithXhr,
  storageResumeRecords,
} from "@dubflow/shared";

import type { PickedFile } from "./diskUpload";

export function createUpload(
  api: DubflowClient,
  picked: PickedFile & { file?: File },
): ChunkedUpload<unknown> {
  if (picked.file === undefined) {
    throw new Error("the web picker gave no File");
  }
  return new ChunkedUpload(picked.file, {
    api: clientUploadApi(api),
    sendPart: sendPartWithXhr,
    records: storageResumeRecords(localStorage),
  }) as ChunkedUpload<unknown>;
}
