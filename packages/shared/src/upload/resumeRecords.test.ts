import { type KeyValueStore, storageResumeRecords } from "./resumeRecords";

function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

const NOW = Date.parse("2026-05-01T12:00:00Z");

describe("resume records", () => {
  let localStorage: KeyValueStore;
  beforeEach(() => {
    localStorage = memoryStore();
  });

  it("remembers, finds and forgets the session of a file", () => {
    const records = storageResumeRecords(localStorage, () => NOW);
    records.remember("talk.mp4|10|1", "U1", "2026-05-02T00:00:00Z");
    records.remember("other.mp4|5|1", "U2", "2026-05-02T00:00:00Z");

    expect(storageResumeRecords(localStorage, () => NOW).find("talk.mp4|10|1")).toBe("U1");
    records.forget("talk.mp4|10|1");
    expect(records.find("talk.mp4|10|1")).toBeNull();
    expect(records.find("other.mp4|5|1")).toBe("U2");
  });

  it("drops the records of sessions that have expired", () => {
    storageResumeRecords(localStorage, () => NOW).remember("a|1|1", "U1", "2026-05-01T13:00:00Z");
    const later = storageResumeRecords(localStorage, () => Date.parse("2026-05-01T14:00:00Z"));
    expect(later.find("a|1|1")).toBeNull();
  });

  it("starts afresh from unreadable records", () => {
    localStorage.setItem("dubflow.uploads", "{not json");
    const records = storageResumeRecords(localStorage, () => NOW);
    expect(records.find("a|1|1")).toBeNull();
    records.remember("a|1|1", "U1", "2026-05-02T00:00:00Z");
    expect(records.find("a|1|1")).toBe("U1");
  });
});
