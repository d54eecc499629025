import { useApiClient, useChunkedUpload } from "@dubflow/shared";
import { useCallback } from "react";

import type { PickedFile } from "./diskUpload";
import { createUpload } from "./startUpload";

/** The upload of the video picked last, with this platform's transport (`startUpload`). */
export function useUpload() {
  const api = useApiClient();
  const create = useCallback((picked: PickedFile) => createUpload(api, picked), [api]);
  return useChunkedUpload(create);
}
