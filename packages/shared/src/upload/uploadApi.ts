import type { DubflowClient } from "@dubflow/api-client";

import { unwrap } from "../problem";
import type { UploadApi } from "./chunkedUpload";

/** The upload session calls a `ChunkedUpload` makes, through the typed client. */
export function clientUploadApi(client: DubflowClient): UploadApi {
  const path = (uploadId: string) => ({
    params: { path: { upload_id: uploadId } },
  });
  return {
    create: (file) =>
      unwrap(
        client.POST("/v1/uploads", {
          body: {
            filename: file.name,
            contentType: file.type || "application/octet-stream",
            sizeBytes: file.size,
          },
        }),
      ),
    state: (uploadId) => unwrap(client.GET("/v1/uploads/{upload_id}", path(uploadId))),
    partUrls: (uploadId) => unwrap(client.GET("/v1/uploads/{upload_id}/parts", path(uploadId))),
    complete: (uploadId, parts) =>
      unwrap(
        client.POST("/v1/uploads/{upload_id}/complete", {
          ...path(uploadId),
          body: { parts },
        }),
      ),
    abort: async (uploadId) => {
      await unwrap(client.DELETE("/v1/uploads/{upload_id}", path(uploadId)));
    },
  };
}
