/** A finished language's MP4 or subtitles: saved in the app's documents, then offered to share. */
import { Directory, File, Paths } from "expo-file-system";
import * as Sharing from "expo-sharing";

export async function download(url: string, filename: string): Promise<void> {
  const folder = new Directory(Paths.document, "downloads");
  if (!folder.exists) {
    folder.create();
  }
  const target = new File(folder, filename);
  if (target.exists) {
    target.delete(); // a newer render of the same language replaces the old one
  }
  const file = await File.downloadFileAsync(url, target);
  if (await Sharing.isAvailableAsync()) {
    await Sharing.shareAsync(file.uri);
  }
}
