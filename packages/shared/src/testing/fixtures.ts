import type {
  Job,
  LanguageInfo,
  LanguageQuality,
  LanguageState,
  Me,
  PresetInfo,
  StageName,
  StageState,
  StageStatus,
} from "@dubflow/shared";

/** Bodies as the API returns them (shapes from the generated contract types). */

const voices = (code: string) => [{ id: `espeak-${code}`, engine: "espeak-ng" }];

export const LANGUAGES: LanguageInfo[] = [
  {
    code: "en",
    name: "English",
    nativeName: "English",
    voices: voices("en"),
    translatableFrom: ["es", "ca"],
  },
  {
    code: "es",
    name: "Spanish",
    nativeName: "Español",
    voices: voices("es"),
    translatableFrom: ["en"],
    suggestedDownload: "es_ES-davefx-medium",
  },
  {
    code: "ca",
    name: "Catalan",
    nativeName: "Català",
    voices: voices("ca"),
    translatableFrom: ["en"],
  },
  {
    code: "fr",
    name: "French",
    nativeName: "Français",
    voices: voices("fr"),
    translatableFrom: ["en"],
  },
  {
    code: "de",
    name: "German",
    nativeName: "Deutsch",
    voices: voices("de"),
    translatableFrom: [],
  },
];

const preset = (name: string, description: string): PresetInfo => ({
  name,
  description,
  maxEngineRate: 1.25,
  maxStretch: 1.3,
  duckDb: 12,
  backgroundGainDb: 0,
  subtitleMaxChars: 42,
  subtitleMaxLines: 2,
  voices: {},
  custom: false,
});

export const PRESETS: PresetInfo[] = [
  preset("default", "Balanced: moderate speed-up."),
  preset("tight", "Keeps every line in its slot."),
];

export const CATALOGUE = { languages: LANGUAGES, presets: PRESETS };

export function stage(
  name: StageName,
  status: StageStatus,
  extra: Partial<StageState> = {},
): StageState {
  const done = status === "succeeded";
  return {
    stage: name,
    status,
    progress: done ? 1 : status === "running" ? 0.5 : 0,
    attempt: status === "pending" ? 0 : 1,
    startedAt: status === "pending" ? null : "2026-05-01T10:00:00Z",
    finishedAt: done ? "2026-05-01T10:00:02Z" : null,
    durationSeconds: done ? 2.5 : null,
    errorCode: null,
    errorMessage: null,
    history: [],
    ...extra,
  };
}

const JOB_STAGES: StageName[] = ["source_video", "source_audio", "transcript", "video_rendition"];
const LANGUAGE_STAGES: StageName[] = [
  "translation",
  "dubbed_speech",
  "dubbed_mix",
  "audio_rendition",
  "subtitles",
];

export function language(code: string, status: StageStatus): LanguageState {
  const succeeded = status === "succeeded";
  return {
    language: code,
    preset: "default",
    status: status === "pending" || status === "retrying" ? "running" : status,
    progress: succeeded ? 1 : 0,
    stages: LANGUAGE_STAGES.map((name) => stage(name, status)),
    outputs: succeeded
      ? {
          mp4Url: `/v1/media/jobs/J1/${code}/dubbed.mp4?signature=s`,
          vttUrl: `/v1/media/jobs/J1/${code}/subtitles.vtt?signature=s`,
          srtUrl: `/v1/media/jobs/J1/${code}/subtitles.srt?signature=s`,
        }
      : null,
  };
}

export function job(extra: Partial<Job> = {}): Job {
  return {
    id: "J1",
    status: "succeeded",
    uploadId: "U1",
    sourceLanguage: "en",
    detectedLanguage: null,
    progress: 1,
    createdAt: "2026-05-01T10:00:00Z",
    updatedAt: "2026-05-01T10:01:00Z",
    finishedAt: "2026-05-01T10:01:00Z",
    dataDeletedAt: null,
    errorCode: null,
    errorMessage: null,
    stages: JOB_STAGES.map((name) => stage(name, "succeeded")),
    languages: [language("es", "succeeded"), language("ca", "succeeded")],
    playbackAvailable: true,
    logsKey: "logs/J1/run.jsonl",
    metrics: {
      stageSeconds: { transcript: 3.2, translation: 0.8 },
      totalStageSeconds: 4,
      wallSeconds: 60,
      attempts: 14,
    },
    dagsterRuns: [{ runId: "run-1", url: "http://127.0.0.1:3000/runs/run-1" }],
    history: [
      { kind: "job.submitted", at: "2026-05-01T10:00:00Z", languages: ["es", "ca"], units: [] },
    ],
    ...extra,
  };
}

/** A language's quality report as the API returns it: two units, the second late and sped up. */
export function quality(code: string): LanguageQuality {
  return {
    language: code,
    summary: {
      units: 2,
      onsetWithin100ms: 0.5,
      medianOnsetOffset: 0.11,
      meanCoverage: 0.94,
      maxSpeedRatio: 1.27,
      overflowUnits: 1,
      leak: 0.031,
      loudnessLufs: -16.2,
      truePeakDbtp: -1.8,
      duration: 11.04,
      untranscribedSeconds: 0.4,
    },
    units: [
      {
        index: 0,
        sourceStart: 0.42,
        sourceEnd: 4.9,
        dubStart: 0.46,
        dubEnd: 4.71,
        onsetOffset: 0.04,
        coverage: 0.949,
        speedRatio: 1,
        overflow: 0,
        leak: 0.02,
        loudnessLufs: -16.4,
        sourceText: "Hello and welcome.",
        text: "Hola y bienvenidos.",
      },
      {
        index: 1,
        sourceStart: 5.6,
        sourceEnd: 10.1,
        dubStart: 5.78,
        dubEnd: 10.34,
        onsetOffset: 0.18,
        coverage: 0.93,
        speedRatio: 1.27,
        overflow: 0.24,
        leak: null,
        loudnessLufs: null,
        sourceText: "Today we talk about rivers.",
        text: "Hoy hablamos de ríos.",
      },
    ],
    untranscribed: [
      {
        start: 10.6,
        end: 11.0,
        speechSeconds: 0.4,
        language: "de",
        reason: "untranslatable",
        leak: 0,
      },
    ],
  };
}

export function me(extra: Partial<Me> = {}): Me {
  return {
    id: "U1",
    email: "ana@example.com",
    name: "Ana",
    role: "user",
    quotas: {
      uploadBytes: { limit: 4e9, usage: 0, unit: "bytes" },
      storedBytes: { limit: 50e9, usage: 45e9, unit: "bytes" },
      concurrentJobs: { limit: 10, usage: 2, unit: "jobs" },
      queuedJobs: { limit: 5, usage: 5, unit: "jobs" },
      mediaMinutesPerDay: { limit: 600, usage: 12.5, unit: "minutes" },
    },
    rateLimits: {
      writes: { limit: 120, windowSeconds: 60, remaining: 117, resetSeconds: 42 },
      authFailures: { limit: 20, windowSeconds: 60, remaining: 20, resetSeconds: 60 },
    },
    ...extra,
  };
}
