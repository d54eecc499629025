import { createClient, type DubflowClient } from "@dubflow/api-client";

/**
 * The API is on the app's own origin: the API serves the built app, and `vite` proxies `/v1`
 * in development. Signed part and media URLs then need no CORS either.
 */
export function apiBaseUrl(): string {
  return window.location.origin;
}

/** A client for `apiKey` that reports a rejected key (revoked while signed in). */
export function createAppClient(apiKey: string, onUnauthorized: () => void): DubflowClient {
  const client = createClient(apiBaseUrl(), apiKey);
  client.use({
    onResponse({ response }) {
      if (response.status === 401) {
        onUnauthorized();
      }
      return response;
    },
  });
  return client;
}
