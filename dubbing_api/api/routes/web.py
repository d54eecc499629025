"""The web app (`web/`, built into `web/dist`) under `/app/`, from the API's own origin.

One origin for the app, the API and the signed part and media URLs means the browser needs no
CORS to upload parts (and read their ETag) or to play HLS. Client-side routes (`/app/jobs/…`)
get `index.html`; Vite's hashed files under `assets/` are cached for good. Not part of the API
contract (hidden from the OpenAPI document).
"""

import posixpath

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
    root = settings.web_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise Problem(
            503,
            "web.not_built",
            f"the web app is not built in {root}: run `make dev`, or `npm run build -w web`",
        )
    if path:
        file = (root / path).resolve()
        if file.is_relative_to(root) and file.is_file():
            cache = IMMUTABLE if path.startswith("assets/") else "no-cache"
            return FileResponse(file, headers={"Cache-Control": cache})
        if posixpath.splitext(path)[1]:
            raise Problem(404, "not_found", f"no file /app/{path}")
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
