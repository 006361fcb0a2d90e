from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("etender.kernel.web.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("etender.kernel.sso.urls")),
    path("", include("etender.trading.evaluation.urls")),
    path("", include("etender.trading.award.urls")),
    path("", include("etender.trading.directives.urls")),
    path("", include("etender.trading.web_urls")),
]
