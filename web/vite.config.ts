/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API serves the built app under /app/ (same origin as the API, so signed part and media
// URLs need no CORS). `npm run dev` proxies the API instead: see docs/web.md.
const api = process.env.DUBFLOW_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/app/",
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: { "/v1": api },
  },
  // Two chunks are big, and each in one piece on purpose: React + Mantine + the router, which
  // every page needs (~200 KB gzipped), and video.js, loaded by the watch page only (~210 KB).
  // No source maps in the production build (they would publish the whole source); ask for them
  // with DUBFLOW_WEB_SOURCEMAP=1 when debugging a build.
  build: { sourcemap: process.env.DUBFLOW_WEB_SOURCEMAP === "1", chunkSizeWarningLimit: 800 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // A limit on stuck tests, not a speed check: on a loaded 2-core machine the user-event tests
    // of the upload and job pages take over vitest's default 5 s.
    testTimeout: 30_000,
  },
});
