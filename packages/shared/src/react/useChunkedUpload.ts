import { useCallback, useEffect, useState, useSyncExternalStore } from "react";

import type { ChunkedUpload, UploadSnapshot } from "../upload/chunkedUpload";

/**
 * The upload of the file picked last (a new pick replaces it); paused when the screen goes.
 * `create` (stable across renders) builds the upload with the app's transport for what was picked.
 */
export function useChunkedUpload<Picked, Body>(create: (picked: Picked) => ChunkedUpload<Body>) {
  const [upload, setUpload] = useState<ChunkedUpload<Body> | null>(null);

  const begin = useCallback(
    (picked: Picked) => {
      const next = create(picked);
      setUpload(next);
      void next.start();
    },
    [create],
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
    (which?: ChunkedUpload<Body>) =>
      setUpload((current) => (which === undefined || current === which ? null : current)),
    [],
  );
  return { upload, snapshot, begin, clear };
}
