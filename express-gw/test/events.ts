/** Read a Server-Sent Events response as it arrives: frames (events and comments) one by one. */

export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export class FrameReader {
  private buffer = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next frame, or null when the stream ended. */
  async next(): Promise<Frame | null> {
    for (;;) {
      const end = this.buffer.search(/\r?\n\r?\n/);
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        return parse(block);
      }
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Frames until one that is an event (comments such as heartbeats are skipped). */
  async nextEvent(): Promise<Frame | null> {
    for (;;) {
      const frame = await this.next();
      if (frame === null || frame.event !== undefined) return frame;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

function parse(block: string): Frame {
  const frame: Frame = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (name === "") frame.comment = value;
    else if (name === "id") frame.id = value;
    else if (name === "event") frame.event = value;
    else if (name === "data")
      frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}
