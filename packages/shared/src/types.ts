/** The contract's types under the names the app uses (all generated from docs/openapi.yaml). */
import type { Schemas } from "@dubflow/api-client";

export type { Job, JobSummary, StageName, UploadSession } from "@dubflow/api-client";

export type JobStatus = Schemas["Job"]["status"];
export type StageStatus = Schemas["StageState"]["status"];
export type StageState = Schemas["StageState"];
export type StageAttempt = Schemas["StageAttemptState"];
export type LanguageState = Schemas["LanguageState"];
export type LanguageOutputs = Schemas["LanguageOutputs"];
export type LanguageInfo = Schemas["LanguageInfo"];
export type PresetInfo = Schemas["PresetInfo"];
export type PresetWrite = Schemas["PresetWrite"];
export type InstalledVoice = Schemas["InstalledVoice"];
export type TargetSpec = Schemas["TargetSpec"];
export type JobCreate = Schemas["JobCreate"];
export type LogLine = Schemas["LogLine"];
export type UploadState = Schemas["UploadState"];
export type CompletedPart = Schemas["CompletedPart"];
export type RetryPlan = Schemas["RetryPlan"];
export type JobQuality = Schemas["JobQuality"];
export type LanguageQuality = Schemas["LanguageQuality"];
export type QualitySummary = Schemas["QualitySummary"];
export type QualityUnit = Schemas["QualityUnit"];
export type SourceUnits = Schemas["SourceUnits"];
export type TranslatedUnits = Schemas["TranslatedUnits"];
export type TranslatedUnit = Schemas["TranslatedUnit"];
export type RedubPlan = Schemas["RedubPlan"];
export type UntranscribedRegion = Schemas["UntranscribedRegion"];
export type Me = Schemas["Me"];
export type QuotaState = Schemas["QuotaState"];
export type RateLimitState = Schemas["RateLimitState"];
