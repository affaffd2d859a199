from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .docs_assets import REDOC_DIST, redoc_bundle
from .views import api_not_found

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/", permanent=False)),
    path("api/v1/", include("articles.api.urls")),
    path("api/v1/", include("accounts.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path(f"{REDOC_DIST.strip('/')}/bundles/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    path("admin/", admin.site.urls),
    # Last: what no route above matches under /api/ is a JSON 404, with DEBUG on too.
    re_path(r"^api/", api_not_found),
]

handler400 = "corpus_api.views.bad_request"
handler403 = "corpus_api.views.permission_denied"
handler404 = "corpus_api.views.not_found"
handler500 = "corpus_api.views.server_error"
