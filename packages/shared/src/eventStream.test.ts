import { describe, expect, it } from "vitest";

import { EventStreamParser, reconnectDelayMs } from "./eventStream";

const progress = {
  type: "stage.progress",
  jobId: "j1",
  stage: "transcript",
  language: null,
  progress: 0.5,
  at: "2026-12-01T23:40:02Z",
};

describe("EventStreamParser", () => {
  it("reads events split anywhere, skips heartbeats, keeps ids", () => {
    const wire =
      `: ping\n\nevent: stage.progress\ndata: ${JSON.stringify(progress)}\nid: 7\n\n` +
      `event: job.status\r\ndata: {"type":"job.status","jobId":"j1","status":"succeeded",` +
      `"errorCode":null,"at":"2026-12-01T23:41:00Z"}\r\nid: 8\r\n\r\n`;
    const parser = new EventStreamParser();
    const events = wire.split("").flatMap((character) => parser.push(character));
    expect(events.map((event) => event.id)).toEqual(["7", "8"]);
    expect(events[0]?.data).toEqual(progress);
    expect(events[1]?.data.type).toBe("job.status");
  });

  it("holds an event back until its blank line arrives", () => {
    const parser = new EventStreamParser();
    expect(parser.push(`id: 3\ndata: ${JSON.stringify(progress)}\n`)).toEqual([]);
    expect(parser.push("\n")).toEqual([{ id: "3", data: progress }]);
  });
});

describe("reconnectDelayMs", () => {
  it("backs off from 1 s to at most 15 s", () => {
    expect([1, 2, 3, 4, 5, 9].map(reconnectDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 15000, 15000,
    ]);
  });
});
