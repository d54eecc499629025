/**
 * The mobile transport of a `ChunkedUpload`: a part is a byte range of the picked file on disk,
 * read only when it is sent (so at most the parts in flight are in memory, never the whole
 * file), then PUT with XMLHttpRequest for its progress. Reading is injected: the app reads with
 * expo-file-system (`readRangeWithExpo`), the tests with Node's `fs` on a real file.
 */
import { sendPartWithXhr, type SendPart, type UploadFile } from "@dubflow/shared";

/** A part's bytes, named but not read yet. */
export interface DiskRange {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
}

/** What a picker says of a file. */
export interface PickedFile {
  uri: string;
  name: string;
  size: number;
  mimeType: string | null;
  /** Milliseconds since the epoch; pickers that do not say give 0 (name and size then tell). */
  lastModified: number;
}

export type ReadRange = (range: DiskRange) => Uint8Array;

export function diskFile(picked: PickedFile): UploadFile<DiskRange> {
  return {
    name: picked.name,
    size: picked.size,
    type: picked.mimeType ?? "application/octet-stream",
    lastModified: picked.lastModified,
    slice: (start, end) => ({ uri: picked.uri, start, end: Math.min(end, picked.size) }),
  };
}

export function sendPartFromDisk(readRange: ReadRange): SendPart<DiskRange> {
  return (url, range, onProgress, signal) => {
    const bytes = readRange(range);
    // A copy of exactly the part's bytes: XMLHttpRequest sends an ArrayBuffer whole.
    const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return sendPartWithXhr(url, body as ArrayBuffer, onProgress, signal);
  };
}
