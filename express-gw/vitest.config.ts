import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each file starts a real API (uvicorn) and waits for real events: generous limits on a
    // loaded machine; nothing waits for a fixed time.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
