/**
 * React Native's global `fetch` cannot stream a response body; Expo's can, and the live event
 * stream (`GET /v1/events`) needs it. The web build keeps the browser's (`apiFetch.web.ts`).
 */
import { fetch as expoFetch } from "expo/fetch";

export async function apiFetch(request: Request): Promise<Response> {
  const body = request.body === null ? null : await request.arrayBuffer();
  const response = await expoFetch(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers.entries()),
    body,
    signal: request.signal,
  });
  return response;
}
