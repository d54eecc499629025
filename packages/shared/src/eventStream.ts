/**
 * Live progress over Server-Sent Events, read with `fetch` rather than `EventSource`: the stream
 * needs the API key in the `Authorization` header, which `EventSource` cannot send. Reconnects
 * with `Last-Event-ID`, so no event is lost across a dropped connection (docs/api.md).
 */
import type { DubflowClient, JobEvent } from "@dubflow/api-client";

export interface StreamedEvent {
  id: string;
  data: JobEvent;
}

/** Splits a text/event-stream body into events; heartbeat comments and unknown fields are
 * skipped. Feed it decoded text as it arrives, in any chunking. */
export class EventStreamParser {
  private buffer = "";
  private id = "";
  private data: string[] = [];

  push(text: string): StreamedEvent[] {
    this.buffer += text;
    const events: StreamedEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      if (line === "") {
        if (this.data.length > 0) {
          events.push({
            id: this.id,
            data: JSON.parse(this.data.join("\n")) as JobEvent,
          });
        }
        this.data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") {
          this.id = value;
        } else if (field === "data") {
          this.data.push(value);
        }
      }
    }
    return events;
  }
}

export interface FollowHandlers {
  onEvent: (event: StreamedEvent) => void;
  /** The stream is (again) connected: what happened while it was not may need a refetch. */
  onOpen: () => void;
  /** The stream failed; it is retried after a back-off. */
  onDrop: () => void;
}

/** Back-off between reconnections: 1 s, 2 s, 4 s … up to 15 s. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, failures - 1));
}

/** Read through a function: TypeScript would keep `signal.aborted` narrowed to false. */
function stopped(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** Follows `GET /v1/events` until `signal` aborts. */
export async function followEvents(
  api: DubflowClient,
  handlers: FollowHandlers,
  signal: AbortSignal,
): Promise<void> {
  let lastEventId: string | null = null;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const { response }: { response: Response } = await api.GET("/v1/events", {
        parseAs: "stream",
        signal,
        params: {
          header: lastEventId === null ? {} : { "Last-Event-ID": lastEventId },
        },
      });
      if (!response.ok || response.body === null) {
        throw new Error(`event stream answered ${response.status}`);
      }
      failures = 0;
      handlers.onOpen();
      const parser = new EventStreamParser();
      // A `TextDecoder` in streaming mode rather than `TextDecoderStream`, which React Native
      // lacks: a character split across two chunks is still decoded whole.
      const decoder = new TextDecoder();
      const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          lastEventId = event.id;
          handlers.onEvent(event);
        }
      }
    } catch {
      // Aborted (signed out, page left) or dropped: the loop's condition tells which.
    }
    if (stopped(signal)) {
      return;
    }
    failures += 1;
    handlers.onDrop();
    await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(failures)));
  }
}
