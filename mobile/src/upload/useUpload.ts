import type { ChunkedUpload, UploadSnapshot } from "@dubflow/shared";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

import { useApi } from "../session";
import type { PickedFile } from "./diskUpload";
import { createUpload } from "./startUpload";

/** The upload of the video picked last (a new pick replaces it); paused when the screen goes. */
export function useUpload() {
  const api = useApi();
  const [upload, setUpload] = useState<ChunkedUpload<unknown> | null>(null);

  const begin = useCallback(
    (picked: PickedFile) => {
      const next = createUpload(api, picked);
      setUpload(next);
      void next.start();
    },
    [api],
  );

  useEffect(() => () => upload?.pause(), [upload]);

  const subscribe = useCallback(
    (listener: () => void) => upload?.subscribe(listener) ?? (() => undefined),
    [upload],
  );
  const current = useCallback((): UploadSnapshot | null => upload?.snapshot() ?? null, [upload]);
  const snapshot = useSyncExternalStore(subscribe, current);
  const clear = useCallback(() => setUpload(null), []);
  return { upload, snapshot, begin, clear };
}
