/** Reads a part's bytes from the file on disk with a file handle (no whole-file read). */
import { File } from "expo-file-system";

import type { DiskRange } from "./diskUpload";

export function readRangeWithExpo(range: DiskRange): Uint8Array {
  const handle = new File(range.uri).open();
  try {
    handle.offset = range.start;
    return handle.readBytes(range.end - range.start);
  } finally {
    handle.close();
  }
}
