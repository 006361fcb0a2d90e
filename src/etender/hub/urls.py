from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .portal import views as portal_views

urlpatterns = [
    path("", include("etender.kernel.web.urls")),
    path("api/", api.urls),
    path("", include("etender.hub.identity.urls")),
    path("", include("etender.hub.witness.urls")),
    path("", include("etender.hub.opendata.urls")),
    path("", include("etender.hub.experts.urls")),
    path("", include("etender.hub.directives.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(extra_context=portal_views.LOGIN_CONTEXT), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("etender.hub.portal.urls")),
    path("", portal_views.home, name="home"),
]
