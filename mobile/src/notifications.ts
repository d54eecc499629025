/**
 * A local notification when a job finishes or fails, from the live event stream while the app
 * is open and from a background task that polls otherwise (`backgroundPoll.ts`). Tapping it
 * opens the job (its `data.url`, routed by `useNotificationOpens`).
 */
import * as Notifications from "expo-notifications";
import { router } from "expo-router";
import { useEffect } from "react";
import { Platform } from "react-native";

export type FinishedStatus = "succeeded" | "failed";

export function isFinished(status: string): status is FinishedStatus {
  return status === "succeeded" || status === "failed";
}

export async function notifyJobFinished(jobId: string, status: FinishedStatus): Promise<void> {
  if (Platform.OS === "web") {
    return; // the web build shows the status on the page
  }
  const permission = await Notifications.requestPermissionsAsync();
  if (!permission.granted) {
    return;
  }
  await Notifications.scheduleNotificationAsync({
    content: {
      title: status === "succeeded" ? "Dub ready" : "Dub failed",
      body: status === "succeeded" ? `Job ${jobId} has finished.` : `Job ${jobId} failed.`,
      data: { url: `/jobs/${jobId}` },
    },
    trigger: null,
  });
}

/** Opens the job a tapped notification names. */
export function useNotificationOpens(): void {
  useEffect(() => {
    if (Platform.OS === "web") {
      return;
    }
    const subscription = Notifications.addNotificationResponseReceivedListener((response) => {
      const url: unknown = response.notification.request.content.data?.url;
      if (typeof url === "string") {
        router.push(url);
      }
    });
    return () => subscription.remove();
  }, []);
}
