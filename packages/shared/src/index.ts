/**
 * What the web and mobile apps share, so that neither keeps a copy: the resumable chunked
 * upload (its transport is injected by each app), API problems and their messages, job and
 * stage states, the live event stream, the React hooks of the API's resources (on each app's
 * client), the choice of tracks in video.js (the browser builds' player) and number formatting.
 */
export * from "./eventStream";
export * from "./format";
export * from "./jobForm";
export * from "./problem";
export * from "./player/tracks";
export * from "./player/usePlayerTracks";
export * from "./problemMessages";
export * from "./status";
export * from "./types";
export * from "./upload/chunkedUpload";
export * from "./upload/resumeRecords";
export * from "./upload/uploadApi";
export * from "./upload/xhrPartSender";
export * from "./react/apiClient";
export * from "./react/liveEvents";
export * from "./react/queries";
export * from "./react/useChunkedUpload";
export * from "./react/useJobMutation";
