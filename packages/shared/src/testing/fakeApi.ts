/**
 * A stand-in for the API at the fetch boundary: routes by method and path pattern, answers with
 * JSON (or a problem document), and keeps every request for assertions. Each app's tests install
 * its `fetch` as the global one (vitest in the web app, jest in the mobile app).
 */
export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (request: Request, params: Record<string, string>) => Answer | Promise<Answer>;

export interface FakeApi {
  on(method: string, pattern: string, handler: Handler | Answer): FakeApi;
  /** Sends `data` as the next event of the open `GET /v1/events` streams. */
  emit(data: unknown): void;
  requests: {
    method: string;
    path: string;
    search: URLSearchParams;
    request: Request;
  }[];
  /** Requests to `METHOD /path` (exact path), in order. */
  calls(method: string, path: string): Request[];
  /** Answers a request as the API would. */
  fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
}

function matcher(pattern: string): (path: string) => Record<string, string> | null {
  const names: string[] = [];
  const regex = new RegExp(
    "^" +
      pattern.replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      }) +
      "$",
  );
  return (path) => {
    const match = regex.exec(path);
    return match ? Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ""])) : null;
  };
}

export function problem(status: number, code: string, detail = code): Answer {
  return {
    status,
    body: {
      type: `https://dubflow.dev/problems/${code}`,
      title: code,
      status,
      detail,
      code,
    },
  };
}

export function fakeApi(): FakeApi {
  const routes: {
    method: string;
    match: ReturnType<typeof matcher>;
    handler: Handler;
  }[] = [];
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  let eventId = 0;
  const api: FakeApi = {
    requests: [],
    emit(data) {
      eventId += 1;
      const frame = `id: ${String(eventId)}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const stream of streams) {
        stream.enqueue(new TextEncoder().encode(frame));
      }
    },
    on(method, pattern, handler) {
      routes.push({
        method,
        match: matcher(pattern),
        handler: typeof handler === "function" ? handler : () => handler,
      });
      return api;
    },
    calls(method, path) {
      return api.requests
        .filter((entry) => entry.method === method && entry.path === path)
        .map((entry) => entry.request);
    },
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      api.requests.push({
        method: request.method,
        path: url.pathname,
        search: url.searchParams,
        request,
      });
      if (request.method === "GET" && url.pathname === "/v1/events") {
        // The live event stream: open, silent until the test emits.
        const body = new ReadableStream<Uint8Array>({
          start: (stream) => void streams.push(stream),
        });
        return new Response(body, {
          headers: { "Content-Type": "text/event-stream" },
        });
      }
      // The latest route for a path wins, so a test can change an answer part-way.
      for (const route of [...routes].reverse()) {
        const params = route.method === request.method ? route.match(url.pathname) : null;
        if (params) {
          const { status = 200, body, headers } = await route.handler(request.clone(), params);
          const type = status >= 400 ? "application/problem+json" : "application/json";
          return new Response(body === undefined ? null : JSON.stringify(body), {
            status,
            headers: { "Content-Type": type, ...headers },
          });
        }
      }
      return new Response(JSON.stringify(problem(404, "not_found").body), {
        status: 404,
      });
    },
  };
  return api;
}
