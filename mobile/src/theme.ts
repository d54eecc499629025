/** Colours for light and dark mode (the system's choice), with text contrast of at least 4.5:1. */
import { useColorScheme } from "react-native";

import type { JobStatus, StageStatus } from "@dubflow/shared";

export interface Palette {
  background: string;
  surface: string;
  text: string;
  muted: string;
  border: string;
  accent: string;
  onAccent: string;
  danger: string;
  status: Record<JobStatus | StageStatus, string>;
}

const light: Palette = {
  background: "#ffffff",
  surface: "#f1f3f5",
  text: "#1a1b1e",
  muted: "#495057",
  border: "#adb5bd",
  accent: "#1864ab",
  onAccent: "#ffffff",
  danger: "#c92a2a",
  status: {
    queued: "#495057",
    pending: "#495057",
    running: "#1864ab",
    retrying: "#a23f00",
    succeeded: "#087f5b",
    failed: "#c92a2a",
    cancelled: "#343a40",
  },
};

const dark: Palette = {
  background: "#141517",
  surface: "#25262b",
  text: "#f1f3f5",
  muted: "#ced4da",
  border: "#5c5f66",
  accent: "#74c0fc",
  onAccent: "#141517",
  danger: "#ff8787",
  status: {
    queued: "#ced4da",
    pending: "#ced4da",
    running: "#74c0fc",
    retrying: "#ffc078",
    succeeded: "#63e6be",
    failed: "#ff8787",
    cancelled: "#adb5bd",
  },
};

export function usePalette(): Palette {
  return useColorScheme() === "dark" ? dark : light;
}
