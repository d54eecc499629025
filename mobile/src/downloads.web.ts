/** The web build lets the browser download the signed URL. */
import * as Linking from "expo-linking";

export async function download(url: string): Promise<void> {
  await Linking.openURL(url);
}
