/**
 * A video.js 8 player for an HLS master playlist in a browser, as both browser builds use it
 * (the web app, the mobile app's web build). VHS plays HLS through Media Source Extensions even
 * where the browser could itself (`overrideNative`), so alternate audio renditions and WebVTT
 * subtitles are video.js's own track lists everywhere (`usePlayerTracks`). Not exported from the
 * package's index: the mobile app's native bundles must not carry video.js.
 */
import videojs from "video.js";
import type Player from "video.js/dist/types/player";

export const HLS = "application/x-mpegURL";

/** A player in a new element appended to `container` (video.js owns that element). */
export function createHlsPlayer(container: HTMLElement): Player {
  const element = document.createElement("video-js");
  element.classList.add("vjs-fluid", "vjs-big-play-centered");
  container.appendChild(element);
  return videojs(element, {
    controls: true,
    preload: "auto",
    html5: {
      vhs: { overrideNative: true },
      nativeAudioTracks: false,
      nativeVideoTracks: false,
      nativeTextTracks: false,
    },
  });
}
