from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .duties import views as duties_views

urlpatterns = [
    path("", include("etender.kernel.web.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("etender.kernel.sso.urls")),
    path("", include("etender.supervision.people.urls")),
    path("", include("etender.supervision.monitor.urls")),
    path("", include("etender.supervision.complaints.urls")),
    path("", include("etender.supervision.directives.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(extra_context=duties_views.LOGIN_CONTEXT), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", duties_views.department_index, name="home"),
    path("", include("etender.supervision.duties.urls")),
]
