"""Serving the two built front ends: the widget loader at `/widget.js` and the console at `/app/`.

Vite builds them into `frontend/<name>/dist/` (`make run` and `make test` do it); their assets are
static files under `/static/widget/` and `/static/console/`. Nothing built is committed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import ensure_csrf_cookie

NOT_BUILT = "The {name} is not built yet: `make run` builds it (npm ci + vite build)."


def dist_dir(name: str) -> Path:
    return Path(settings.BASE_DIR) / "frontend" / name / "dist"


def widget_loader(request: HttpRequest) -> HttpResponseBase:
    """The one script a site embeds. Small and short-cached, so a new release reaches visitors
    within minutes; the chunks it loads are content-hashed and cached for long."""
    loader = dist_dir("widget") / "widget.js"
    if not loader.is_file():
        return HttpResponse(NOT_BUILT.format(name="widget"), status=503, content_type="text/plain")
    response = FileResponse(loader.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@ensure_csrf_cookie
def console_app(request: HttpRequest, path: str = "") -> HttpResponse:
    """Every `/app/…` URL gets the console's index.html; the Vue router takes it from there."""
    index = dist_dir("console") / "index.html"
    if not index.is_file():
        return HttpResponse(NOT_BUILT.format(name="console"), status=503, content_type="text/plain")
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
