/**
 * Sends a part with XMLHttpRequest, because fetch reports no upload progress (React Native has
 * the same XMLHttpRequest, so both apps use this). The part URL carries its own authorization (a
 * signature), so no API key goes with it.
 */
import { ApiProblem, ETAG_UNREADABLE, networkProblem, problemFromBody } from "../problem";
import type { SendPart } from "./chunkedUpload";

function responseBody(xhr: XMLHttpRequest): unknown {
  const type = xhr.getResponseHeader("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      return JSON.parse(xhr.responseText) as unknown;
    } catch {
      return xhr.responseText;
    }
  }
  return xhr.responseText;
}

export const sendPartWithXhr: SendPart<XMLHttpRequestBodyInit> = (url, body, onProgress, signal) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(problemFromBody(xhr.status, responseBody(xhr)));
        return;
      }
      const etag = xhr.getResponseHeader("ETag");
      if (etag === null) {
        reject(new ApiProblem(ETAG_UNREADABLE, xhr.status, "no readable ETag header"));
        return;
      }
      resolve(etag);
    };
    xhr.onerror = () => reject(networkProblem(new Error(`PUT of a part to ${new URL(url).host}`)));
    xhr.onabort = () => reject(new DOMException("part upload aborted", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
