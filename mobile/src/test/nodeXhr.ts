/**
 * The part of XMLHttpRequest the shared part sender uses, over Node's `http`, so the mobile
 * transport runs under jest with real HTTP: React Native's XMLHttpRequest needs the native
 * networking module, and jsdom's applies a browser's CORS rules that a device does not.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";

export class NodeXhr {
  status = 0;
  responseText = "";
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private method = "GET";
  private url = "";
  private response: IncomingMessage | null = null;
  private request: ClientRequest | null = null;
  private aborted = false;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  getResponseHeader(name: string): string | null {
    const value = this.response?.headers[name.toLowerCase()];
    return typeof value === "string" ? value : null;
  }

  send(body: ArrayBuffer): void {
    const bytes = Buffer.from(body);
    const request = httpRequest(this.url, {
      method: this.method,
      headers: { "Content-Length": bytes.length },
    });
    this.request = request;
    request.on("response", (response) => {
      this.response = response;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        this.status = response.statusCode ?? 0;
        this.responseText = Buffer.concat(chunks).toString("utf8");
        this.onload?.();
      });
    });
    request.on("error", () => {
      if (!this.aborted) {
        this.onerror?.();
      }
    });
    request.end(bytes, () => this.upload.onprogress?.({ loaded: bytes.length }));
  }

  abort(): void {
    this.aborted = true;
    this.request?.destroy();
    this.onabort?.();
  }
}
