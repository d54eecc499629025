/**
 * Renders the app's real routes (`app/`) with expo-router's test renderer, against the shared
 * stand-in API (`@dubflow/shared/src/testing/fakeApi`) installed as `fetch`. The device's secure
 * store is a map here (expo-secure-store is native).
 */
import { fakeApi as createFakeApi, type FakeApi } from "@dubflow/shared/src/testing/fakeApi";
import { renderRouter } from "expo-router/testing-library";
import { join } from "node:path";

export const SERVER = "http://api.test";

// `mock…`: jest lets its hoisted module factories read it.
export const mockSecrets = new Map<string, string>();

jest.mock("../secrets", () => ({
  readSecret: (key: string) => Promise.resolve(mockSecrets.get(key) ?? null),
  writeSecret: (key: string, value: string) => Promise.resolve(void mockSecrets.set(key, value)),
  deleteSecret: (key: string) => Promise.resolve(void mockSecrets.delete(key)),
}));

// Expo's streaming fetch is native; the global one (the stand-in API) streams under Node.
jest.mock("../apiFetch", () => ({
  apiFetch: (request: Request) => fetch(request),
}));

export function fakeApi(): FakeApi {
  const api = createFakeApi();
  global.fetch = api.fetch;
  return api;
}

export function signedIn(): void {
  mockSecrets.set("dubflow.server", SERVER);
  mockSecrets.set("dubflow.token", "dk_test");
}

export function renderApp(initialUrl: string) {
  return renderRouter(join(__dirname, "..", "..", "app"), { initialUrl });
}

afterEach(() => {
  mockSecrets.clear();
});
