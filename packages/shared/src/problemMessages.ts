/**
 * What each problem `code` of the API means to a person, and what they can do about it.
 * `problemMessages.test.ts` checks that every code documented in docs/api.md is here.
 */
import { type ApiProblem, CLIENT_ERROR, ETAG_UNREADABLE, NETWORK_ERROR } from "./problem";

export const PROBLEM_MESSAGES: Record<string, string> = {
  "auth.missing_key": "Sign in with your API key.",
  "auth.invalid_key": "This API key is unknown or was revoked. Sign in with a valid key.",
  "request.invalid": "The request was not valid.",
  "request.too_large": "The request is too large for the server.",
  "request.unsupported_media_type": "The server does not accept this kind of content.",
  not_found: "The server has no such address. Is the app talking to a dubflow API?",
  method_not_allowed: "The server does not allow this action here.",
  "upload.too_large": "This file is larger than your upload limit.",
  "upload.part_out_of_range": "A part of the upload does not belong to this file.",
  "upload.part_size_mismatch": "A part arrived with the wrong size. Retry the failed parts.",
  "upload.part_too_large": "A part arrived larger than expected. Retry the failed parts.",
  "upload.parts_missing": "Some parts have not reached the server yet. Retry the failed parts.",
  "upload.etag_mismatch": "A part on the server differs from what was sent. Upload the file again.",
  "upload.duplicate_part": "A part was listed twice when completing the upload. Upload again.",
  "upload.already_completed": "This upload is already complete.",
  "upload.aborted": "This upload was cancelled. Pick the file again to start a new upload.",
  "upload.rejected": "This upload was rejected. Pick another file.",
  "upload.expired": "This upload session expired. Pick the file again to start over.",
  "upload.not_media": "This file is not a video with an audio track that the server can read.",
  "upload.not_found": "This upload no longer exists. Pick the file again.",
  "upload.not_completed": "The upload is not complete yet: wait for it to finish.",
  "job.not_found": "There is no such job, or it is not yours.",
  "media.not_found": "This media file does not exist (yet).",
  "job.no_targets": "Choose at least one target language.",
  "job.duplicate_language": "A language is chosen twice, or the job already has it.",
  "language.unsupported": "This language is not supported by the installed engines.",
  "preset.unknown": "This preset does not exist.",
  "translation.unsupported_pair": "No installed engine translates between these two languages.",
  "job.unknown_stage": "There is no such stage.",
  "job.unknown_language": "This job has no such language.",
  "job.running": "The job is still running: wait for it to finish, or cancel it first.",
  "job.finished": "The job has already finished, so there is nothing to cancel.",
  "job.not_finished": "Languages can be added once the job has finished.",
  "events.too_many_streams":
    "Too many live views are open. Close some tabs; this page refreshes itself meanwhile.",
  "cursor.invalid": "This page of results is no longer valid. Start again from the first page.",
  "idempotency.conflict": "A different request was already sent with this form. Reload the page.",
  "playback.not_ready": "Nothing to play yet: no language has finished.",
  "url.expired": "This link has expired. Reload the page for a fresh one.",
  "url.signature_invalid": "This link is not valid. Reload the page for a fresh one.",
  "quality.report_invalid": "The server stored a quality report it cannot read.",
  "units.not_ready": "The sentences are not ready yet: wait for the job to get that far.",
  "units.version_required": "The edit did not say which version it changes. Reload and retry.",
  "units.version_mismatch":
    "Someone changed these sentences since you opened them: the latest version is shown, edit again.",
  "unit.not_found": "This job has no such sentence.",
  "unit.duplicate": "A sentence was edited twice in one change.",
  "unit.empty_text": "A sentence cannot be empty.",
  "unit.text_too_long": "This sentence is too long (at most 1000 characters).",
  "unit.translation_stale":
    "Its source sentence changed: re-dub first, then correct the new translation.",
  "language.not_found": "This job has no such language.",
  "job.nothing_to_redub": "Nothing changed since the last dub.",
  "job.data_deleted": "This job's files were deleted, so it cannot be changed or dubbed again.",
  "job.unknown_voice": "A chosen voice does not exist.",
  "job.voice_language": "A chosen voice speaks another language than its target.",
  "job.voice_not_installed":
    "A chosen voice is not installed on the server: choose another, or ask for it to be downloaded.",
  "preset.not_found": "There is no such preset, or it is not yours.",
  "preset.unknown_voice": "This voice does not exist.",
  "preset.voice_language": "This voice speaks another language.",
  "preset.unknown_language": "This language is not supported by the installed engines.",
  "preset.voice_not_installed": "This voice is not installed on the server.",
  "preset.name_taken": "You already have a preset with this name.",
  "preset.name_reserved": "A built-in preset has this name: choose another.",
  "preset.limit_reached": "You have as many presets as you may: delete one first.",
  "preset.in_use": "A job that has not finished uses this preset: wait for it, or cancel it.",
  "preset.version_mismatch":
    "Someone changed this preset since you opened it: the latest version is shown, edit again.",
  "web.not_built": "The server has no built web app.",
  "auth.invalid_token": "Your sign-in token is not valid. Sign in again.",
  "auth.token_expired": "Your sign-in has expired. Sign in again.",
  "auth.unknown_user": "No dubflow account belongs to this sign-in.",
  "auth.user_disabled": "This account is disabled.",
  "quota.concurrent_jobs":
    "You have as many jobs queued or running as you may: wait for one to finish.",
  "quota.queued_jobs": "You have as many jobs waiting to start as you may: wait for one to start.",
  "quota.media_minutes_per_day": "This would take you over your media minutes for 24 hours.",
  "quota.stored_bytes": "Your uploads would take more storage than you have: delete some first.",
  "rate_limit.auth_failures": "Too many failed sign-ins from here: wait a minute and try again.",
  "rate_limit.writes": "Too many changes in a short time: wait a moment and try again.",
  // From the optional gateway in front of the API (docs/gateway.md).
  "rate_limit.requests": "Too many requests in a short time: wait a moment and try again.",
  "rate_limit.store_unavailable":
    "The gateway cannot count requests right now, so it lets none through: try again shortly.",
  "upstream.unavailable": "The service behind the gateway cannot be reached: try again shortly.",
  "upstream.timeout": "The service behind the gateway took too long to answer: try again.",
  "idempotency.in_progress": "The same request is still being processed: wait, then reload.",
  "metrics.invalid_token": "The metrics need the scraper's token.",
  "metrics.disabled": "Metrics are turned off on this server.",
  "internal.error": "The server failed. If it happens again, report it with the request id.",
  "service.busy": "The server is busy: try again in a moment.",
  [ETAG_UNREADABLE]:
    "A part was stored but the browser cannot read its ETag: the storage's CORS rules must expose the ETag header.",
  [NETWORK_ERROR]: "The server could not be reached. Check your connection and try again.",
  [CLIENT_ERROR]: "Something went wrong in the app.",
};

/** One sentence for a person, then the server's own detail (which names the specifics). */
export function describeProblem(problem: ApiProblem): {
  message: string;
  detail: string;
} {
  const known = PROBLEM_MESSAGES[problem.code];
  if (known !== undefined) {
    return { message: known, detail: problem.detail };
  }
  const status = problem.status >= 500 ? "The server failed" : "The request failed";
  return { message: `${status} (${problem.code}).`, detail: problem.detail };
}
