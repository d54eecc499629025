import {
  ChunkedUpload,
  clientUploadApi,
  sendPartWithXhr,
  storageResumeRecords,
  type UploadFile,
  type UploadSnapshot,
} from "@dubflow/shared";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

import { useApi } from "../auth/AuthProvider";

/** The upload of the file picked last (a new pick replaces it); paused when the page goes. */
export function useChunkedUpload() {
  const client = useApi();
  const [upload, setUpload] = useState<ChunkedUpload | null>(null);

  const begin = useCallback(
    (file: UploadFile) => {
      const next = new ChunkedUpload(file, {
        api: clientUploadApi(client),
        sendPart: sendPartWithXhr,
        records: storageResumeRecords(localStorage),
      });
      setUpload(next);
      void next.start();
    },
    [client],
  );

  useEffect(() => () => upload?.pause(), [upload]);

  const subscribe = useCallback(
    (listener: () => void) => upload?.subscribe(listener) ?? (() => undefined),
    [upload],
  );
  const current = useCallback((): UploadSnapshot | null => upload?.snapshot() ?? null, [upload]);
  const snapshot = useSyncExternalStore(subscribe, current);
  /** Forgets the upload (`which`: only if it is still the current one), back to picking a file. */
  const clear = useCallback(
    (which?: ChunkedUpload) =>
      setUpload((current) => (which === undefined || current === which ? null : current)),
    [],
  );
  return { upload, snapshot, begin, clear };
}
