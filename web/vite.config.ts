/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// The API serves the built app under /app/ (same origin as the API, so signed part and media
// URLs need no CORS). `npm run dev` proxies the API instead: see docs/web.md.
const api = process.env.DUBFLOW_API_URL ?? "http://127.0.0.1:8000";

// The API's /docs (Swagger UI) and /redoc pages load these from the API's own origin, so they work
// offline and under the app's Content-Security-Policy (dubbing_api/api/routes/api_docs.py).
const require = createRequire(import.meta.url);
const API_DOCS_FILES: Record<string, string> = {
  "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "swagger-ui-LICENSE.txt": "swagger-ui-dist/LICENSE",
  "swagger-ui-NOTICE.txt": "swagger-ui-dist/NOTICE",
  "redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
  "redoc-LICENSE.txt": "redoc/LICENSE",
  "redoc.standalone.js.LICENSE.txt": "redoc/bundles/redoc.standalone.js.LICENSE.txt",
};

// ReDoc's sidebar shows a logo from Redocly's CDN, unconditionally; the copy served points it at
// an empty data URL instead, which the page hides (its error handler), so nothing is requested
// from elsewhere and nothing is blocked by the policy.
const REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";

function apiDocsAssets(): Plugin {
  return {
    name: "dubflow-api-docs-assets",
    apply: "build",
    generateBundle() {
      for (const [name, source] of Object.entries(API_DOCS_FILES)) {
        let content: string | Buffer = readFileSync(require.resolve(source));
        if (name === "redoc.standalone.js") {
          const script = content.toString("utf8");
          if (!script.includes(REDOC_LOGO)) {
            throw new Error(`${source} no longer loads ${REDOC_LOGO}: review the rewrite`);
          }
          content = script.replaceAll(REDOC_LOGO, "data:,");
        }
        this.emitFile({ type: "asset", fileName: `api-docs/${name}`, source: content });
      }
    },
  };
}

export default defineConfig({
  base: "/app/",
  plugins: [react(), apiDocsAssets()],
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
