/**
 * The resume records (`@dubflow/shared`) of the mobile app, in a JSON file of the app's own
 * documents, so that an upload resumes after the app was killed. The file is small (one entry per
 * unfinished upload) and read and written synchronously, as the records expect.
 */
import type { KeyValueStore } from "@dubflow/shared";
import { File, Paths } from "expo-file-system";

export function fileKeyValueStore(
  file: File = new File(Paths.document, "uploads.json"),
): KeyValueStore {
  const read = (): Record<string, string> => {
    if (!file.exists) {
      return {};
    }
    try {
      return JSON.parse(file.textSync()) as Record<string, string>;
    } catch {
      return {}; // unreadable: start afresh rather than fail every upload
    }
  };
  return {
    getItem: (key) => read()[key] ?? null,
    setItem: (key, value) => {
      if (!file.exists) {
        file.create();
      }
      file.write(JSON.stringify({ ...read(), [key]: value }));
    },
  };
}
