import {
  ChunkedUpload,
  clientUploadApi,
  sendPartWithXhr,
  storageResumeRecords,
  type UploadFile,
  useApiClient,
  useChunkedUpload,
} from "@dubflow/shared";
import { useCallback } from "react";

/** The upload of the file picked last, sent from the browser (XMLHttpRequest, local storage). */
export function useBrowserUpload() {
  const client = useApiClient();
  const create = useCallback(
    (file: UploadFile) =>
      new ChunkedUpload(file, {
        api: clientUploadApi(client),
        sendPart: sendPartWithXhr,
        records: storageResumeRecords(localStorage),
      }),
    [client],
  );
  return useChunkedUpload(create);
}
