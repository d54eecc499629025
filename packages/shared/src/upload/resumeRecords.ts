/**
 * Which upload session each file went to, kept in a key-value store so that a reload, a closed
 * tab or a killed app can resume: a file is known by name, size and modification time. Records
 * of expired sessions are dropped whenever the records are read. The web app keeps them in local
 * storage, the mobile app in a file of its own.
 */
import type { ResumeRecords } from "./chunkedUpload";

const KEY = "dubflow.uploads";

interface UploadRecord {
  uploadId: string;
  expiresAt: string;
}

type Records = Record<string, UploadRecord>;

/** What the records need of a store: `localStorage` is one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function load(storage: KeyValueStore, now: number): Records {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(KEY) ?? "{}");
  } catch {
    return {}; // unreadable (edited by hand?): start afresh rather than fail every upload
  }
  if (typeof parsed !== "object" || parsed === null) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(parsed as Records).filter(
      ([, record]) => typeof record.uploadId === "string" && Date.parse(record.expiresAt) > now,
    ),
  );
}

export function storageResumeRecords(
  storage: KeyValueStore,
  now: () => number = Date.now,
): ResumeRecords {
  const save = (records: Records) => storage.setItem(KEY, JSON.stringify(records));
  return {
    find(fingerprint) {
      return load(storage, now())[fingerprint]?.uploadId ?? null;
    },
    remember(fingerprint, uploadId, expiresAt) {
      save({ ...load(storage, now()), [fingerprint]: { uploadId, expiresAt } });
    },
    forget(fingerprint) {
      const kept = Object.entries(load(storage, now())).filter(([key]) => key !== fingerprint);
      save(Object.fromEntries(kept));
    },
  };
}
