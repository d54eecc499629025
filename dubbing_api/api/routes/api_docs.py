"""The contract as pages: Swagger UI at `/docs`, ReDoc at `/redoc`.

FastAPI's own pages load both from a CDN (blank offline) with an inline script, and the Python
package that bundles Swagger UI ships version 4, which cannot render OpenAPI 3.1. Here their npm
packages are copied into the web build (`web/dist/api-docs/`, see web/vite.config.ts) and served
with the app from this origin, and Swagger UI starts from a script file, not an inline one: the
pages run under the web app's Content-Security-Policy (dubbing_api/core/headers.py).
"""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dubbing_api.api.deps import SettingsDep
from dubbing_api.core.config import ApiSettings

router = APIRouter(include_in_schema=False)

ASSETS = "/app/api-docs"
# Loaded by /docs after Swagger UI's bundle.
SWAGGER_INITIALIZER = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""


def _page(title: str, head: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="data:,">
{head}
</head>
<body>
{body}
</body>
</html>
"""


def _built(settings: ApiSettings, name: str) -> bool:
    return (settings.web_dir / "api-docs" / name).is_file()


_NOT_BUILT = (
    "<p>The documentation pages' files are part of the web app's build, which is missing: run "
    "<code>make web</code> (or <code>npm run build -w web</code>). The contract itself is at "
    '<a href="/openapi.json">/openapi.json</a>.</p>'
)


@router.get("/docs")
def swagger_ui(request: Request, settings: SettingsDep) -> HTMLResponse:
    title = f"{request.app.title} - Swagger UI"
    if not _built(settings, "swagger-ui-bundle.js"):
        return HTMLResponse(_page(title, "", _NOT_BUILT), status_code=503)
    head = f'<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">'
    body = (
        '<div id="swagger-ui"></div>\n'
        f'<script src="{ASSETS}/swagger-ui-bundle.js"></script>\n'
        '<script src="/docs/swagger-initializer.js"></script>'
    )
    return HTMLResponse(_page(title, head, body))


@router.get("/docs/swagger-initializer.js")
def swagger_initializer() -> Response:
    return Response(SWAGGER_INITIALIZER, media_type="text/javascript")


@router.get("/redoc")
def redoc(request: Request, settings: SettingsDep) -> HTMLResponse:
    title = f"{request.app.title} - ReDoc"
    if not _built(settings, "redoc.standalone.js"):
        return HTMLResponse(_page(title, "", _NOT_BUILT), status_code=503)
    body = (
        '<redoc spec-url="/openapi.json"></redoc>\n'
        f'<script src="{ASSETS}/redoc.standalone.js"></script>'
    )
    return HTMLResponse(_page(title, "", body))
