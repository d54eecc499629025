"""The apps the API serves from its own origin: the web app (`web/`, built into `web/dist`) under
`/app/`, and the mobile app's web build (`mobile/`, exported into `mobile/dist`) under `/mobile/`.

One origin for an app, the API and the signed part and media URLs means the browser needs no
CORS to upload parts (and read their ETag) or to play HLS. Client-side routes (`/app/jobs/…`)
get `index.html`; the bundlers' hashed files (Vite's `assets/`, Expo's `_expo/static/`) are cached
for good. Not part of the API contract (hidden from the OpenAPI document).
"""

import posixpath
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from dubbing_api.api.deps import SettingsDep
from dubbing_api.core.problems import Problem

router = APIRouter(include_in_schema=False)

IMMUTABLE = "public, max-age=31536000, immutable"


@router.get("/")
def root(settings: SettingsDep) -> RedirectResponse:
    # To the public URL: signed URLs point there, so the app must run on that origin.
    return RedirectResponse(settings.public_url.rstrip("/") + "/app/")


@router.get("/app")
def app_without_slash() -> RedirectResponse:
    return RedirectResponse("/app/")


@router.get("/app/{path:path}")
def web_app(path: str, settings: SettingsDep) -> FileResponse:
    return _app_file(
        settings.web_dir, "/app/", path, "assets/", "`make dev`, or `npm run build -w web`"
    )


@router.get("/mobile")
def mobile_without_slash() -> RedirectResponse:
    return RedirectResponse("/mobile/")


@router.get("/mobile/{path:path}")
def mobile_web_app(path: str, settings: SettingsDep) -> FileResponse:
    return _app_file(
        settings.mobile_web_dir, "/mobile/", path, "_expo/static/", "`make mobile-bundles`"
    )


def _app_file(build: Path, prefix: str, path: str, hashed: str, how_to_build: str) -> FileResponse:
    """The file at `path` in the app's build, else its `index.html` for a client-side route."""
    root = build.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise Problem(503, "web.not_built", f"the app is not built in {root}: run {how_to_build}")
    if path:
        file = (root / path).resolve()
        if file.is_relative_to(root) and file.is_file():
            cache = IMMUTABLE if path.startswith(hashed) else "no-cache"
            return FileResponse(file, headers={"Cache-Control": cache})
        if posixpath.splitext(path)[1]:
            raise Problem(404, "not_found", f"no file {prefix}{path}")
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
