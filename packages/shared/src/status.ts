/** How job and stage states read and look. */
import type { JobStatus, StageName, StageStatus } from "./types";

export function isActive(status: JobStatus): boolean {
  return status === "queued" || status === "running";
}

export const JOB_STATUSES: readonly JobStatus[] = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
];

export const STATUS_COLORS: Record<JobStatus | StageStatus, string> = {
  queued: "gray",
  pending: "gray",
  running: "blue",
  retrying: "orange",
  succeeded: "teal",
  failed: "red",
  cancelled: "dark",
};

/** In pipeline order: the job-level stages, then the per-language ones. */
export const STAGE_LABELS: Record<StageName, string> = {
  source_video: "Source video",
  source_audio: "Source audio",
  transcript: "Transcript",
  video_rendition: "Video rendition",
  translation: "Translation",
  dubbed_speech: "Dubbed speech",
  dubbed_mix: "Mix",
  audio_rendition: "Audio rendition",
  subtitles: "Subtitles",
};

export const STAGES = Object.keys(STAGE_LABELS) as StageName[];
