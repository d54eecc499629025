import { fakeApi as createFakeApi, type FakeApi } from "@dubflow/shared/src/testing/fakeApi";

export { type Answer, type FakeApi, problem } from "@dubflow/shared/src/testing/fakeApi";

/** The shared stand-in for the API, answering the app's `fetch` for the rest of the test. */
export function fakeApi(): FakeApi {
  const api = createFakeApi();
  vi.stubGlobal("fetch", api.fetch);
  return api;
}
