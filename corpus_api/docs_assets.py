"""The ReDoc bundle the docs page loads, served so that the page asks nothing of another machine.

drf-spectacular-sidecar's bundle is used as shipped but for one string: its side menu shows a logo
fetched from cdn.redoc.ly, which no option turns off. The Content-Security-Policy would block it,
but the browser would still try; here it points at a local image instead.
"""

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# The URL drf-spectacular builds the bundle's from: REDOC_DIST + "/bundles/redoc.standalone.js".
REDOC_DIST = "/docs-assets/redoc"


@lru_cache(maxsize=1)
def _bundle() -> bytes:
    with open(finders.find(BUNDLE), encoding="utf-8") as file:
        return file.read().replace(CDN_LOGO, static("articles/docs-logo.svg")).encode("utf-8")


@require_safe
def redoc_bundle(request):
    response = HttpResponse(_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
